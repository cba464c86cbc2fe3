using System.Buffers;
using Formats.Streaming;

namespace Formats.Zip.Encoding;

/// <summary>
/// The content of a small member of known length (at most one deflate chunk) under deflate or auto: it is gathered
/// while its source is read, then compressed as one job (on a worker when parallel) and written, header first, once
/// the members before it are out (<see cref="ZipArchiveWriter"/> keeps them in order). This is what lets many small
/// members use every core; the bytes are those of the streaming path.
/// </summary>
internal sealed class DeferredDeflateContent(ZipArchiveWriter archive, PreparedEntry entry, bool auto) : IEntryContent
{
    private readonly byte[] _plain = ArrayPool<byte>.Shared.Rent((int)entry.Length!.Value);
    private int _length;

    public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        // The core holds the content to the declared length, which is this buffer's.
        data.Span.CopyTo(_plain.AsSpan(_length));
        _length += data.Length;
        return ValueTask.CompletedTask;
    }

    public void Skip(long count) => throw new InvalidOperationException("deflated content cannot be skipped");

    public ValueTask FinishAsync(CancellationToken cancellationToken)
    {
        var plain = _plain;
        var length = _length;
        if (entry.Crc32 is { } declared)
        {
            // Checked here, so that a wrong declaration fails the call that added this member, not a later one.
            ZipContentWriter.CheckCrc(entry, Crc32Accumulator.Compute(plain.AsSpan(0, length)), declared);
        }

        return archive.DeferAsync(new DeferredMember(entry, plain, length, auto), cancellationToken);
    }

    /// <summary>CRC-32 and, unless auto stores the member (by its name, or because a trial saves too little), its whole deflate stream.</summary>
    internal static DeferredResult Encode(string name, byte[] plain, int length, int level, bool auto)
    {
        var content = plain.AsSpan(0, length);
        var crc = Crc32Accumulator.Compute(content);
        if (auto && (AutoMethod.IsCompressedByName(name)
            || (length > AutoMethod.TrialLength && !AutoMethod.TrialSaves(content[..AutoMethod.TrialLength], level))))
        {
            return new DeferredResult(crc, null);
        }

        var encoded = DeflateChunks.Compress(content, level, final: true);
        if (auto && length <= AutoMethod.TrialLength && !AutoMethod.Saves(length, encoded.Length))
        {
            // For a member no longer than the trial, the trial is the compression itself.
            encoded.Return();
            return new DeferredResult(crc, null);
        }

        return new DeferredResult(crc, encoded);
    }
}

/// <summary>
/// A member compressed ahead, waiting for the members before it (<see cref="DeferredDeflateContent"/>). Members are
/// compressed in batches, one job per batch, so that a worker gets enough work per hand-over.
/// </summary>
internal sealed class DeferredMember(PreparedEntry entry, byte[] plain, int length, bool auto)
{
    public PreparedEntry Entry => entry;

    public byte[] Plain => plain;

    public int Length => length;

    /// <summary>The job compressing this member's batch; null until the batch is handed to a worker.</summary>
    public Task? Batch { get; set; }

    /// <summary>Set once this member is compressed.</summary>
    public DeferredResult? Result { get; private set; }

    public void Encode(int level) => Result = DeferredDeflateContent.Encode(entry.Name, plain, length, level, auto);
}

/// <summary>What a compress-ahead job found: the CRC-32, and the deflate stream, or null when auto chose to store.</summary>
internal sealed record DeferredResult(uint Crc32, PooledBuffer? Encoded);
