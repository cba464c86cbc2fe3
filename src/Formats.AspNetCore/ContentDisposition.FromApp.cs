using System.Text;

namespace Formats.AspNetCore;

/// <summary>
/// An app's own Content-Disposition, made sendable: a header holds ASCII only (Kestrel refuses anything else), but
/// apps write file names as raw Latin-1 or UTF-8 bytes (<c>filename="é.zip"</c>), which reach the middleware one byte
/// per char (HttpClient decodes response headers as Latin-1). Such a name is re-encoded as RFC 6266 <c>filename*</c>
/// with an ASCII <c>filename</c> fallback.
/// </summary>
internal static partial class ContentDisposition
{
    /// <summary>
    /// <paramref name="value"/> as it is when plain ASCII; else its type and file name rewritten by
    /// <see cref="WithFileName"/> (bytes that are valid UTF-8 are read as UTF-8, others as Latin-1), with its other ASCII
    /// parameters kept. Null when it cannot be sent: no type, a control character, or an unterminated quote.
    /// </summary>
    public static string? FromApp(string value)
    {
        if (value.All(c => c is >= ' ' and < (char)127 or '\t'))
        {
            return value;
        }

        if (value.Any(c => c is < ' ' and not '\t' or '\u007f') || Split(value) is not [var type, .. var parameters] || !IsToken(type))
        {
            return null;
        }

        string? fileName = null;
        string? fileNameStar = null;
        var kept = new List<string>();
        foreach (var parameter in parameters)
        {
            var eq = parameter.IndexOf('=', StringComparison.Ordinal);
            var name = eq < 0 ? "" : parameter[..eq].Trim();
            if (name.Equals("filename", StringComparison.OrdinalIgnoreCase))
            {
                fileName = Unquote(parameter[(eq + 1)..].Trim());
            }
            else if (name.Equals("filename*", StringComparison.OrdinalIgnoreCase))
            {
                fileNameStar = parameter;
            }
            else if (parameter.All(char.IsAscii))
            {
                kept.Add(parameter);
            }
        }

        // filename* is written from filename when there is one; an app's own (ASCII by its grammar) stays otherwise.
        if (fileName is not { Length: > 0 } && fileNameStar is not null && fileNameStar.All(char.IsAscii))
        {
            kept.Insert(0, fileNameStar);
        }

        var header = fileName is null || fileName.Length == 0 ? type : WithFileName(type, Decode(fileName));
        return string.Join("; ", [header, .. kept]);
    }

    /// <summary>The parts between semicolons outside quoted strings, trimmed; null when a quote is not closed.</summary>
    private static List<string>? Split(string value)
    {
        var parts = new List<string>();
        var start = 0;
        var quoted = false;
        for (var i = 0; i < value.Length; i++)
        {
            switch (value[i])
            {
                case '\\' when quoted:
                    i++;
                    break;
                case '"':
                    quoted = !quoted;
                    break;
                case ';' when !quoted:
                    parts.Add(value[start..i].Trim());
                    start = i + 1;
                    break;
            }
        }

        if (quoted)
        {
            return null;
        }

        parts.Add(value[start..].Trim());
        parts.RemoveAll(p => p.Length == 0);
        return parts;
    }

    /// <summary>A quoted-string's content with its backslash escapes undone; a token as it is.</summary>
    private static string Unquote(string text)
    {
        if (text.Length < 2 || text[0] != '"' || text[^1] != '"')
        {
            return text;
        }

        var result = new StringBuilder(text.Length);
        for (var i = 1; i < text.Length - 1; i++)
        {
            result.Append(text[i] == '\\' && i + 1 < text.Length - 1 ? text[++i] : text[i]);
        }

        return result.ToString();
    }

    /// <summary>One char per byte (as HttpClient decodes headers): UTF-8 when those bytes are valid UTF-8, else Latin-1.</summary>
    private static string Decode(string name)
    {
        if (name.Any(c => c > '\u00ff'))
        {
            return name;
        }

        var bytes = Encoding.Latin1.GetBytes(name);
        return System.Text.Unicode.Utf8.IsValid(bytes) ? Encoding.UTF8.GetString(bytes) : name;
    }

    /// <summary>An RFC 9110 token: the disposition type.</summary>
    private static bool IsToken(string text) =>
        text.Length > 0 && text.All(c => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal));
}
