using Formats.Streaming;

namespace Formats.Tar;

/// <summary>
/// A tar archive described before it is written: exact length without opening a source, the whole archive, or any byte
/// range of it (see <see cref="ArchivePlan"/>). Sizing and ranges need an uncompressed tar; lengths are known anyway,
/// as tar requires them.
/// </summary>
public sealed class TarArchivePlan : ArchivePlan
{
    /// <summary>Plans <paramref name="items"/> with <paramref name="options"/>.</summary>
    public TarArchivePlan(IEnumerable<ArchiveItem> items, TarWriterOptions? options = null)
        : base(items)
    {
        Options = options ?? TarWriterOptions.Default;
    }

    /// <summary>The writer's options.</summary>
    public TarWriterOptions Options { get; }

    private protected override ArchiveWriter CreateWriter(Stream output) =>
        new TarArchiveWriter(output, Options) { Planned = true, DefaultLastModified = DefaultLastModified };

    private protected override ArchiveWriter CreateWriter(System.IO.Pipelines.PipeWriter output) =>
        new TarArchiveWriter(output, Options) { Planned = true, DefaultLastModified = DefaultLastModified };

    private protected override ArchiveWriter CreateWriter(ArchiveOutput output) =>
        new TarArchiveWriter(output, Options) { Planned = true, DefaultLastModified = DefaultLastModified };

    private protected override string DescribeOptions() =>
        $"tar compression={Options.Compression} level={Options.CompressionLevel} duplicates={Options.NamePolicy.Duplicates} collisions={Options.NamePolicy.AllowCollidingNames}";
}
