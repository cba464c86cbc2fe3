using Microsoft.AspNetCore.Http;

namespace Formats.AspNetCore;

/// <summary>What the app's response headers say about how to read its manifest.</summary>
internal sealed record ManifestHeaders(string Charset, string? NameSeparator, string PassHeaders, string ContentEncoding)
{
    public static ManifestHeaders Of(IHeaderDictionary headers) => new(
        headers[ArchiveResponseHeaders.Charset].ToString().Trim(),
        headers.TryGetValue(ArchiveResponseHeaders.NameSeparator, out var separator) ? separator.ToString() : null,
        headers[ArchiveResponseHeaders.PassHeaders].ToString(),
        headers.ContentEncoding.ToString().Trim());
}
