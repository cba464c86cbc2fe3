namespace Formats.AspNetCore;

/// <summary>The archive a consumer gets: the same entries in any of these.</summary>
public enum ArchiveFormat
{
    /// <summary>.zip, application/zip.</summary>
    Zip,

    /// <summary>.tar, application/x-tar.</summary>
    Tar,

    /// <summary>.tar.gz, application/gzip.</summary>
    TarGzip,

    /// <summary>.tar.zst, application/zstd.</summary>
    TarZstandard,
}

/// <summary>Content types and file extensions of the formats, and parsing of their names in routes and queries.</summary>
public static class ArchiveFormats
{
    /// <summary>The media type to send.</summary>
    public static string ContentType(this ArchiveFormat format) => Describe(format).ContentType;

    /// <summary>The file extension, with its dot.</summary>
    public static string Extension(this ArchiveFormat format) => Describe(format).Extension;

    private static (string ContentType, string Extension) Describe(ArchiveFormat format) => format switch
    {
        ArchiveFormat.Zip => ("application/zip", ".zip"),
        ArchiveFormat.Tar => ("application/x-tar", ".tar"),
        ArchiveFormat.TarGzip => ("application/gzip", ".tar.gz"),
        ArchiveFormat.TarZstandard => ("application/zstd", ".tar.zst"),
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    /// <summary>Parses "zip", "tar", "tar.gz"/"tgz"/"targz" and "tar.zst"/"tzst"/"tarzst" (any case).</summary>
    public static bool TryParse(string? text, out ArchiveFormat format)
    {
        format = text?.ToLowerInvariant() switch
        {
            "zip" => ArchiveFormat.Zip,
            "tar" => ArchiveFormat.Tar,
            "tar.gz" or "tgz" or "targz" => ArchiveFormat.TarGzip,
            "tar.zst" or "tzst" or "tarzst" => ArchiveFormat.TarZstandard,
            _ => (ArchiveFormat)(-1),
        };
        return Enum.IsDefined(format);
    }
}
