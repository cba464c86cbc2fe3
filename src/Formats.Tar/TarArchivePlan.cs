using Formats.Streaming;

namespace Formats.Tar;

/// <summary>
/// A tar archive described before it is written: exact length without opening a source, the whole archive, or any byte
/// range of it (see <see cref="ArchivePlan"/>). Sizing and ranges need an uncompressed tar; lengths are known anyway,
/// as tar requires them.
/// </summary>
public sealed class TarArchivePlan : ArchivePlan<TarWriterOptions>
{
    /// <summary>Plans <paramref name="items"/> with <paramref name="options"/>.</summary>
    public TarArchivePlan(IEnumerable<ArchiveItem> items, TarWriterOptions? options = null)
        : base(items, options ?? TarWriterOptions.Default)
    {
    }

    private protected override Func<Stream, Stream>? Encoder => TarArchiveWriter.Encoder(Options);

    private protected override ArchiveWriter CreateWriter(ArchiveOutput output) => new TarArchiveWriter(output, Options);
}
