namespace Formats.Http;

/// <summary>How <see cref="ArchiveManifest.ParseAsync"/> turns lines into entries, and its limits.</summary>
public sealed class ArchiveManifestOptions
{
    /// <summary>Makes the source of a URL line (the URL resolved, the declared size); it may refuse the URL with an <see cref="ArgumentException"/>.</summary>
    public required Func<Uri, long?, EntrySource> OpenUrl { get; init; }

    /// <summary>What locations that are paths from the root ("/files/a.txt") are resolved against (null: they are refused).</summary>
    public Uri? BaseUri { get; init; }

    /// <summary>
    /// Makes the source of a location resolved against <see cref="BaseUri"/> (null: <see cref="OpenUrl"/>): the place to
    /// add the credentials that only the base's own origin may see.
    /// </summary>
    public Func<Uri, long?, EntrySource>? OpenRelativeUrl { get; init; }

    /// <summary>The manifest's character set (null: UTF-8, with or without a byte order mark); names are re-encoded to UTF-8 in the archive.</summary>
    public System.Text.Encoding? Encoding { get; init; }

    /// <summary>Opens a local "path" line; decides what a manifest may read (null: paths are refused).</summary>
    public Func<string, long?, EntrySource>? OpenPath { get; init; }

    /// <summary>The most entries a manifest may have (default 100,000).</summary>
    public int MaxMembers
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            field = value;
        }
    } = 100_000;

    /// <summary>The most bytes a manifest may have (default 16 MiB).</summary>
    public long MaxBytes
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            field = value;
        }
    } = 16 * 1024 * 1024;
}
