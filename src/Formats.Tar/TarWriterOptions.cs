namespace Formats.Tar;

/// <summary>Options of a <see cref="TarArchiveWriter"/>.</summary>
public sealed record TarWriterOptions : ArchiveWriterOptions
{
    /// <summary>Default options: no compression, duplicate names refused.</summary>
    public static TarWriterOptions Default { get; } = new();

    /// <summary>Compression of the whole archive.</summary>
    public TarCompression Compression { get; init; } = TarCompression.None;

    internal override string Describe() => $"tar compression={Compression} {base.Describe()}";
}
