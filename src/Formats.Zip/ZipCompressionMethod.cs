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
