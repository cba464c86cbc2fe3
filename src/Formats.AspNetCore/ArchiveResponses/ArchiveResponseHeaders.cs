namespace Formats.AspNetCore;

/// <summary>The response headers an app sets to have its response turned into an archive (nginx mod_zip's protocol).</summary>
public static class ArchiveResponseHeaders
{
    /// <summary>The archive's format: <c>zip</c>, <c>tar</c>, <c>tar.gz</c> or <c>tar.zst</c>; the body is the manifest.</summary>
    public const string Files = "X-Archive-Files";

    /// <summary>
    /// The manifest's character set (an IANA name such as <c>windows-1251</c>); names are re-encoded to UTF-8. <c>native</c>
    /// (mod_zip's): names are bytes in the archive readers' own character set, written as they are without the UTF-8 flag.
    /// </summary>
    public const string Charset = "X-Archive-Charset";

    /// <summary>
    /// mod_zip's separator between a name's legacy bytes and its UTF-8 form (<c>legacy&lt;sep&gt;utf-8</c>): the legacy
    /// bytes become the zip name field, the UTF-8 name its Unicode Path extra field (<see cref="ArchiveEntry.LegacyName"/>).
    /// </summary>
    public const string NameSeparator = "X-Archive-Name-Sep";

    /// <summary>Names of request headers (separated by ':' or ',') sent on with member requests to the member origin.</summary>
    public const string PassHeaders = "X-Archive-Pass-Headers";
}
