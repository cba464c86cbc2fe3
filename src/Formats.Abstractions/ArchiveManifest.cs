using System.Globalization;
using System.Text.Json;

namespace Formats;

/// <summary>
/// Entry lists as text, one entry a line, in either of two forms (told apart by the first line):
/// <list type="bullet">
/// <item>nginx mod_zip's: <c>CRC32 SIZE LOCATION NAME</c>, CRC-32 in hex or <c>-</c> when unknown, the size in bytes,
/// the location (a URL, absolute or relative to a base), and the entry name (the rest of the line, spaces allowed).</item>
/// <item>JSON lines: <c>{"name": "...", "url": "..." or "path": "...", "size": 123, "crc32": "1a2b3c4d",
/// "mtime": "2024-01-01T00:00:00Z" or seconds, "mode": "0644"}</c>; only name and url or path are required.</item>
/// </list>
/// Blank lines and lines starting with '#' are skipped. Errors name the line.
/// </summary>
public static class ArchiveManifest
{
    /// <summary>
    /// Parses <paramref name="text"/>. URLs become <see cref="EntrySource.FromUrl"/> sources on <paramref name="client"/>
    /// (relative ones resolved against <paramref name="baseUri"/>); local paths go to <paramref name="openPath"/>, which
    /// decides what a manifest may read (null: paths are refused).
    /// </summary>
    public static List<ArchiveItem> Parse(string text, HttpClient client, Uri? baseUri = null, Func<string, long?, EntrySource>? openPath = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(client);
        var items = new List<ArchiveItem>();
        var lineNumber = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNumber++;
            var line = raw.TrimEnd('\r');
            if (line.Trim().Length == 0 || line.TrimStart().StartsWith('#'))
            {
                continue;
            }

            try
            {
                items.Add(line.TrimStart().StartsWith('{') ? ParseJson(line, client, baseUri, openPath) : ParseModZip(line, client, baseUri));
            }
            catch (Exception ex) when (ex is FormatException or JsonException or UriFormatException or OverflowException or ArgumentException or InvalidOperationException)
            {
                throw new FormatException($"manifest line {lineNumber}: {ex.Message}", ex);
            }
        }

        return items;
    }

    private static ArchiveItem ParseModZip(string line, HttpClient client, Uri? baseUri)
    {
        var parts = line.Split(' ', 4, StringSplitOptions.None);
        if (parts.Length < 4 || parts[3].Length == 0)
        {
            throw new FormatException("expected 'CRC32 SIZE LOCATION NAME'");
        }

        uint? crc = parts[0] == "-" ? null : uint.Parse(parts[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        var size = long.Parse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture);
        var url = Resolve(parts[2], baseUri);
        var entry = new ArchiveEntry(parts[3]) { Length = size, Crc32 = crc };
        return new ArchiveItem(entry, EntrySource.FromUrl(client, url, size));
    }

    private static ArchiveItem ParseJson(string line, HttpClient client, Uri? baseUri, Func<string, long?, EntrySource>? openPath)
    {
        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        var name = root.TryGetProperty("name", out var n) ? n.GetString() : null;
        if (string.IsNullOrEmpty(name))
        {
            throw new FormatException("\"name\" is required");
        }

        long? size = root.TryGetProperty("size", out var s) ? s.GetInt64() : null;
        uint? crc = root.TryGetProperty("crc32", out var c)
            ? c.ValueKind == JsonValueKind.Number ? c.GetUInt32() : uint.Parse(c.GetString()!, NumberStyles.HexNumber, CultureInfo.InvariantCulture)
            : null;
        DateTimeOffset? mtime = root.TryGetProperty("mtime", out var m)
            ? m.ValueKind == JsonValueKind.Number ? DateTimeOffset.FromUnixTimeSeconds(m.GetInt64()) : DateTimeOffset.Parse(m.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)
            : null;
        UnixFileMode? mode = root.TryGetProperty("mode", out var md)
            ? (UnixFileMode)(md.ValueKind == JsonValueKind.Number ? md.GetInt32() : Convert.ToInt32(md.GetString(), 8))
            : null;
        EntrySource source;
        if (root.TryGetProperty("url", out var u))
        {
            source = EntrySource.FromUrl(client, Resolve(u.GetString()!, baseUri), size);
        }
        else if (root.TryGetProperty("path", out var p))
        {
            source = openPath?.Invoke(p.GetString()!, size) ?? throw new FormatException("local \"path\" entries are not allowed here");
        }
        else
        {
            throw new FormatException("\"url\" or \"path\" is required");
        }

        var entry = new ArchiveEntry(name) { Length = size ?? source.Length, Crc32 = crc, LastModified = mtime, Mode = mode };
        return new ArchiveItem(entry, source);
    }

    private static Uri Resolve(string location, Uri? baseUri)
    {
        if (Uri.TryCreate(location, UriKind.Absolute, out var absolute) && (absolute.Scheme == Uri.UriSchemeHttp || absolute.Scheme == Uri.UriSchemeHttps))
        {
            return absolute;
        }

        if (baseUri is not null && Uri.TryCreate(baseUri, location, out var relative))
        {
            return relative;
        }

        throw new FormatException($"'{location}' is not an http(s) URL");
    }
}
