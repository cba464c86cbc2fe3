using Formats.Streaming;

namespace Formats.Zip;

/// <summary>
/// A zip archive described before it is written: exact length without opening a source, the whole archive, or any byte
/// range of it (see <see cref="ArchivePlan"/>). Sizing needs stored entries of known length; ranges also need every
/// entry's CRC-32, because the data descriptors and the central directory after a range's start carry it.
/// </summary>
public sealed class ZipArchivePlan : ArchivePlan<ZipWriterOptions>
{
    /// <summary>Plans <paramref name="items"/> with <paramref name="options"/> (default: <see cref="ZipWriterOptions.Default"/>, which deflates and so cannot be sized).</summary>
    public ZipArchivePlan(IEnumerable<ArchiveItem> items, ZipWriterOptions? options = null)
        : base(items, options ?? ZipWriterOptions.Default)
    {
    }

    private protected override ArchiveWriter CreateWriter(ArchiveOutput output) => new ZipArchiveWriter(output, Options);
}
