using System.Globalization;
using System.Text;

namespace Formats.AspNetCore;

/// <summary>
/// <c>Content-Disposition: attachment</c> with a plain ASCII <c>filename</c> for old clients and, for a name that is not
/// plain ASCII, an RFC 5987/6266 <c>filename*</c> with the UTF-8 name percent-encoded.
/// </summary>
internal static partial class ContentDisposition
{
    public static string Attachment(string fileName) => WithFileName("attachment", fileName);

    /// <summary><paramref name="type"/> (attachment, inline) with <paramref name="fileName"/> as ASCII <c>filename</c>, and as <c>filename*</c> when not plain ASCII.</summary>
    public static string WithFileName(string type, string fileName)
    {
        var fallback = new StringBuilder(fileName.Length);
        var plain = true;
        foreach (var c in fileName)
        {
            var ok = c is >= ' ' and < (char)127 and not ('"' or '\\' or '%' or ';');
            plain &= ok;
            fallback.Append(ok ? c : '_');
        }

        var header = $"{type}; filename=\"{fallback}\"";
        if (plain)
        {
            return header;
        }

        var encoded = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(fileName))
        {
            // RFC 5987 attr-char: ALPHA / DIGIT / "!#$&+-.^_`|~"
            if (char.IsAsciiLetterOrDigit((char)b) || "!#$&+-.^_`|~".Contains((char)b, StringComparison.Ordinal))
            {
                encoded.Append((char)b);
            }
            else
            {
                encoded.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return $"{header}; filename*=UTF-8''{encoded}";
    }
}
