using Formats.Streaming;

namespace Formats.Zip.Encoding;

/// <summary>
/// The content of a small member of known length (at most one deflate chunk) under deflate or auto: gathered while its
/// source is read, then handed to <see cref="CompressAhead"/>, which compresses it (on a worker when parallel) and
/// writes it, header first, once the members before it are out. The bytes are those of the streaming path.
/// </summary>
internal sealed class DeferredDeflateContent(CompressAhead ahead, BufferLedger buffers, PreparedEntry entry, bool auto, int level) : IEntryContent
{
    private byte[]? _plain = buffers.Rent((int)entry.Length!.Value);
    private int _length;

    public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        // The core holds the content to the declared length, which is this buffer's.
        data.Span.CopyTo(_plain.AsSpan(_length));
        _length += data.Length;
        return ValueTask.CompletedTask;
    }

    public ValueTask FinishAsync(CancellationToken cancellationToken)
    {
        var plain = _plain!;
        if (entry.Crc32 is { } declared)
        {
            // Checked here, so that a wrong declaration fails the call that added this member, not a later one.
            ZipContentWriter.CheckCrc(entry, Crc32Accumulator.Compute(plain.AsSpan(0, _length)), declared);
        }

        // From here the buffer is the queue's to give back.
        _plain = null;
        return ahead.AddAsync(new DeferredMember(entry, plain, _length, auto, level), cancellationToken);
    }

    public ValueTask AbortAsync()
    {
        if (_plain is { } plain)
        {
            _plain = null;
            buffers.Return(plain);
        }

        return ValueTask.CompletedTask;
    }
}

/// <summary>A member gathered for <see cref="CompressAhead"/>: its plain bytes and level, and once compressed, its CRC-32 and deflate stream.</summary>
internal sealed class DeferredMember(PreparedEntry entry, byte[] plain, int length, bool auto, int level)
{
    public PreparedEntry Entry => entry;

    public byte[] Plain => plain;

    public int Length => length;

    /// <summary>The member's compression level (its own, or the archive's).</summary>
    public int Level => level;

    /// <summary>The job compressing this member's batch; null until the batch is handed to a worker.</summary>
    public Task? Batch { get; set; }

    /// <summary>Set once this member is compressed.</summary>
    public DeferredResult? Result { get; private set; }

    /// <summary>True once this member is compressed, as seen from the writing flow: its batch is done, or it was compressed on this flow.</summary>
    public bool IsEncoded => Batch?.IsCompleted ?? Result is not null;

    /// <summary>CRC-32 and, unless auto stores the member (by its name, or because a trial saves too little), its whole deflate stream.</summary>
    public void Encode(BufferLedger buffers)
    {
        var content = plain.AsSpan(0, length);
        var crc = Crc32Accumulator.Compute(content);
        if (auto && (AutoMethod.IsCompressedByName(entry.Name)
            || (length > AutoMethod.TrialLength && !AutoMethod.TrialSaves(buffers, content[..AutoMethod.TrialLength], level))))
        {
            Result = new DeferredResult(crc, null);
            return;
        }

        var encoded = DeflateChunks.Compress(buffers, content, level, final: true);
        if (auto && length <= AutoMethod.TrialLength && !AutoMethod.Saves(length, encoded.Length))
        {
            // For a member no longer than the trial, the trial is the compression itself.
            encoded.Return();
            Result = new DeferredResult(crc, null);
            return;
        }

        Result = new DeferredResult(crc, encoded);
    }

    /// <summary>Gives back the plain bytes and the compressed ones, once written or abandoned.</summary>
    public void Release(BufferLedger buffers)
    {
        Result?.Encoded?.Return();
        buffers.Return(plain);
    }
}

/// <summary>What a compress-ahead job found: the CRC-32, and the deflate stream, or null when auto chose to store.</summary>
internal sealed record DeferredResult(uint Crc32, PooledBuffer? Encoded);
