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

    /// <summary>
    /// nginx mod_zip's <c>X-Archive-Name-Sep</c>: each mod_zip line's name is <c>LEGACY&lt;separator&gt;UTF-8</c>, split at
    /// the last separator; the legacy part, bytes in any character set (the archive's readers' code page, such as CP866),
    /// becomes <see cref="ArchiveEntry.LegacyName"/>, written as it is, and the UTF-8 part the entry's name. A name without
    /// the separator is a legacy name alone (as <see cref="NativeNames"/>). The manifest is then read byte for byte;
    /// locations and JSON lines stay UTF-8. An empty separator: as <see cref="NativeNames"/>. Null (the default): none.
    /// </summary>
    public string? NameSeparator { get; init; }

    /// <summary>
    /// nginx mod_zip's <c>X-Archive-Charset: native</c>: the names of mod_zip lines are bytes in the archive readers' own
    /// character set, written as they are without the UTF-8 flag (<see cref="ArchiveEntry.LegacyNameOnly"/>). The entry's
    /// name (for the name policy, messages and tar) is how <see cref="Encoding"/> reads them, or UTF-8 where they are
    /// UTF-8, else code page 437 (zip's own).
    /// </summary>
    public bool NativeNames { get; init; }

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
