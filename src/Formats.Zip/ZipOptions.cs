using Formats.Streaming;

namespace Formats.Zip;

/// <summary>How entry content is encoded.</summary>
public enum ZipCompressionMethod
{
    /// <summary>Method 0: the bytes as they are.</summary>
    Stored,

    /// <summary>Method 8: deflate, which every reader understands.</summary>
    Deflate,

    /// <summary>Method 93: Zstandard. Read by 7-Zip 24+ and libarchive 3.6+, not by Info-ZIP, Java, Python or .NET: opt in knowingly.</summary>
    Zstandard,

    /// <summary>
    /// Deflate, except for members that are already compressed, which are stored: by name (jpg, png, mp4, zip, gz, zst
    /// and the like), or because deflating their first 64 KiB at the chosen level saved less than 5%. The choice is made
    /// before the member's header is written, holding at most those 64 KiB.
    /// </summary>
    Auto,
}

/// <summary>When the writer uses zip64 records.</summary>
public enum Zip64Mode
{
    /// <summary>Exactly when a value reaches its 32-bit (or 16-bit) limit, or a length is unknown when the header is written.</summary>
    Auto,

    /// <summary>Always: zip64 extra fields in every header and the zip64 end records, for readers that need consistency over compatibility.</summary>
    Always,

    /// <summary>Never: a value that reaches its limit is a clear error (the archive is aborted), never a corrupt file.</summary>
    Never,
}

/// <summary>Options of a <see cref="ZipArchiveWriter"/>.</summary>
public sealed class ZipWriterOptions : ArchiveWriterOptions
{
    /// <summary>Default options: deflate at level 6, zip64 when needed, duplicate names refused.</summary>
    public static ZipWriterOptions Default { get; } = new();

    /// <summary>How entry content is encoded; directories, symbolic links and empty files are always stored.</summary>
    public ZipCompressionMethod Method { get; init; } = ZipCompressionMethod.Deflate;

    /// <summary>
    /// How many threads may deflate at once: a member is cut into independent 1 MiB chunks joined into one deflate
    /// stream, and small members are compressed ahead while earlier ones are written. The default is the processor
    /// count; 1 keeps all work on the caller's flow. The output bytes are the same for every value.
    /// </summary>
    public int MaxDegreeOfParallelism
    {
        get;
        init => field = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(MaxDegreeOfParallelism), value, "at least 1 (1 is single-threaded)");
    }

    = Environment.ProcessorCount;

    /// <summary>When to use zip64 records.</summary>
    public Zip64Mode Zip64 { get; init; } = Zip64Mode.Auto;

    internal override string Describe() => $"zip method={Method} zip64={Zip64} {base.Describe()}";
}
