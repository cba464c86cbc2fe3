using System.IO.Compression;
using Formats.Streaming;
using ZstdSharp;

namespace Formats.Tar;

/// <summary>The tar format on the shared sink core: headers as entries arrive, two zero blocks and record padding at the end.</summary>
internal sealed class TarArchiveCore : ArchiveSinkCore
{
    public TarArchiveCore(Func<Func<Stream, Stream>?, ArchiveOutput> output, TarWriterOptions options)
        : base(output(Encoder(options)), options.NamePolicy)
    {
    }

    protected override void CheckEntry(PreparedEntry entry)
    {
        if (entry.Length is null)
        {
            throw new ArchiveException(entry.Name, "a tar header carries the member's size, so the length must be known before any byte is written; declare Length or use a source that knows it (zip can stream entries of unknown length)");
        }
    }

    protected override async ValueTask<IEntryContent> BeginEntryAsync(PreparedEntry entry, CancellationToken cancellationToken)
    {
        var length = entry.Length!.Value;
        var layout = TarEntryLayout.Plan(entry, length);
        var span = Output.GetSpan(layout.HeaderLength);
        layout.Write(span);
        Output.Advance(layout.HeaderLength);
        await Output.FlushIfFullAsync(cancellationToken).ConfigureAwait(false);
        return new TarContentWriter(Output, length);
    }

    protected override async ValueTask WriteEndAsync(CancellationToken cancellationToken)
    {
        // Two zero blocks, then zeros up to a whole 10240-byte record.
        var end = Output.Position + (TarConstants.EndBlocks * TarConstants.BlockSize);
        var total = (int)(((end + TarConstants.RecordSize - 1) / TarConstants.RecordSize * TarConstants.RecordSize) - Output.Position);
        var span = Output.GetSpan(total);
        span[..total].Clear();
        Output.Advance(total);
        await Output.FlushIfFullAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The whole-archive encoder for the options, or null for a plain tar. Each leaves the target open.</summary>
    private static Func<Stream, Stream>? Encoder(TarWriterOptions options) => options.Compression switch
    {
        TarCompression.None => null,
        TarCompression.Gzip => target => new GZipStream(target, new ZLibCompressionOptions { CompressionLevel = options.CompressionLevel }, leaveOpen: true),
        TarCompression.Zstandard => target => new CompressionStream(target, ZstdLevels[options.CompressionLevel], leaveOpen: true),
        _ => throw new ArgumentOutOfRangeException(nameof(options), options.Compression, "unknown compression"),
    };

    /// <summary>zstd levels for the 0–9 scale (documented on <see cref="TarWriterOptions.CompressionLevel"/>).</summary>
    private static ReadOnlySpan<int> ZstdLevels => [1, 1, 1, 2, 2, 3, 3, 5, 9, 19];
}

/// <summary>An entry's content: written as it comes, then zero-padded to the block size.</summary>
internal sealed class TarContentWriter(ArchiveOutput output, long length) : IEntryContent
{
    public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) => output.WriteAsync(data, cancellationToken);

    public async ValueTask FinishAsync(CancellationToken cancellationToken)
    {
        var padding = (int)(TarConstants.PaddedLength(length) - length);
        if (padding > 0)
        {
            var span = output.GetSpan(padding);
            span[..padding].Clear();
            output.Advance(padding);
        }

        await output.FlushIfFullAsync(cancellationToken).ConfigureAwait(false);
    }
}
