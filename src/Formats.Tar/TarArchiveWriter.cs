using System.IO.Compression;
using System.IO.Pipelines;
using Formats.Streaming;
using ZstdSharp;
using ZstdSharp.Unsafe;

namespace Formats.Tar;

/// <summary>
/// Writes a TAR archive as a stream (plain, gzip or zstd), to a <see cref="Stream"/> or a <see cref="PipeWriter"/>:
/// ustar headers, with a pax extended header before an entry only for what ustar cannot hold. A tar header carries
/// the member's size, so every file entry needs a known length (declared, or from a source that knows it).
/// Disposing without <see cref="ArchiveWriter.CompleteAsync"/> aborts: no end blocks, and no compression trailer.
/// </summary>
/// <remarks><see cref="ArchiveWriter.BytesWritten"/> counts tar bytes before compression.</remarks>
public sealed class TarArchiveWriter : ArchiveWriter
{
    /// <summary>Writes to <paramref name="output"/>, which stays open.</summary>
    public TarArchiveWriter(Stream output, TarWriterOptions? options = null)
        : this(ArchiveOutput.Create(output, Encoder(options ?? TarWriterOptions.Default)), options ?? TarWriterOptions.Default)
    {
    }

    /// <summary>Writes to <paramref name="output"/>, which is flushed but not completed.</summary>
    public TarArchiveWriter(PipeWriter output, TarWriterOptions? options = null)
        : this(ArchiveOutput.Create(output, Encoder(options ?? TarWriterOptions.Default)), options ?? TarWriterOptions.Default)
    {
    }

    /// <summary>Writes to an output made by the caller (a window of the archive: then the options must not compress).</summary>
    internal TarArchiveWriter(ArchiveOutput output, TarWriterOptions options)
        : base(output, options.NamePolicy)
    {
        _options = options;
    }

    private readonly TarWriterOptions _options;

    /// <summary>
    /// Archive offsets at which a header starts (after the last byte of an entry's padded data), from the last one
    /// that may not have gone out yet: where an abort leaves a reader expecting the next header.
    /// </summary>
    private readonly Queue<long> _headerOffsets = new([0]);

    internal override void CheckPlannable()
    {
        if (_options.Compression != TarCompression.None)
        {
            throw new ArchiveException(null, ArchiveErrorReason.NotPlannable, $"{_options.Compression} output has a length that depends on the content, so the archive's length and byte ranges cannot be known in advance; use TarCompression.None");
        }
    }

    private protected override void CheckEntry(PreparedEntry entry)
    {
        if (entry.Length is null)
        {
            throw new ArchiveException(entry.Name, ArchiveErrorReason.FormatLimit, "a tar header carries the member's size, so the length must be known before any byte is written; declare Length or use a source that knows it (zip can stream entries of unknown length)");
        }
    }

    private protected override async ValueTask<IEntryContent> OpenContentAsync(PreparedEntry entry, CancellationToken cancellationToken)
    {
        var length = entry.Length!.Value;
        var layout = TarEntryLayout.Plan(entry, length);
        while (_headerOffsets.TryPeek(out var gone) && gone < Output.FlushedPosition)
        {
            _headerOffsets.Dequeue();
        }

        _headerOffsets.Enqueue(Output.Position + layout.HeaderLength + TarConstants.PaddedLength(length));
        await Output.WriteRecordAsync(layout.HeaderLength, layout, static (span, layout) => layout.Write(span), cancellationToken).ConfigureAwait(false);
        return new TarContentWriter(Output, length);
    }

    private protected override ValueTask WriteEndAsync(CancellationToken cancellationToken)
    {
        // Two zero blocks, then zeros up to a whole 10240-byte record.
        var end = Output.Position + (TarConstants.EndBlocks * TarConstants.BlockSize);
        var total = (int)(((end + TarConstants.RecordSize - 1) / TarConstants.RecordSize * TarConstants.RecordSize) - Output.Position);
        return Output.WriteRecordAsync(total, total, TarConstants.WriteZeros, cancellationToken);
    }

    /// <summary>
    /// A plain tar cut where a header would start ends cleanly for GNU tar, bsdtar and Python's tarfile, which all take
    /// the end of input there for the end of the archive: an aborted archive that reached such an offset gets a pax
    /// header block announcing a block of records that never comes, which all three report as a truncated archive.
    /// Cut anywhere else (inside a header or data) the archive is truncated already, and a marker would only be read as data.
    /// </summary>
    private protected override ReadOnlyMemory<byte> AbortMarker(long reached) =>
        _headerOffsets.Contains(reached) ? TarEntryLayout.IncompleteMarker() : ReadOnlyMemory<byte>.Empty;

    /// <summary>The whole-archive encoder for the options, or null for a plain tar. Each leaves the target open.</summary>
    internal static Func<Stream, Stream>? Encoder(TarWriterOptions options) => options.Compression switch
    {
        TarCompression.None => null,
        TarCompression.Gzip => target => new GZipStream(target, new ZLibCompressionOptions { CompressionLevel = options.CompressionLevel }, leaveOpen: true),
        TarCompression.Zstandard => target => CreateZstandard(target, options.CompressionLevel),
        _ => throw new ArgumentOutOfRangeException(nameof(options), options.Compression, "unknown compression"),
    };

    /// <summary>
    /// A zstd frame with its content checksum (frame header flag, XXH64 at the end), as the zstd CLI writes by default:
    /// the tar inside carries no checksum of its content, so without it a flipped byte would extract wrong data silently.
    /// </summary>
    private static CompressionStream CreateZstandard(Stream target, int level)
    {
        var stream = new CompressionStream(target, CompressionLevels.ToZstandard(level), leaveOpen: true);
        stream.SetParameter(ZSTD_cParameter.ZSTD_c_checksumFlag, 1);
        return stream;
    }
}

/// <summary>An entry's content: written as it comes, then zero-padded to the block size.</summary>
internal sealed class TarContentWriter(ArchiveOutput output, long length) : ISkippableContent
{
    public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) => output.WriteAsync(data, cancellationToken);

    public void Skip(long count) => output.Skip(count);

    public ValueTask FinishAsync(CancellationToken cancellationToken) =>
        output.WriteRecordAsync(TarConstants.BlockSize, (int)(TarConstants.PaddedLength(length) - length), TarConstants.WriteZeros, cancellationToken);

    public ValueTask AbortAsync() => ValueTask.CompletedTask;
}
