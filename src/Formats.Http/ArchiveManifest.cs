using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Formats.Http;

/// <summary>
/// Entry lists as text, one entry a line, in either of two forms (told apart by each line's first character):
/// <list type="bullet">
/// <item>nginx mod_zip's: <c>CRC32 SIZE LOCATION NAME</c>, separated by one or more spaces as mod_zip accepts them
/// (aligned columns), CRC-32 in hex or <c>-</c> when unknown, the size in bytes, the location (a URL, absolute or
/// relative to a base), and the entry name (the rest of the line from its first character that is not a space; spaces
/// inside and at the end are kept).</item>
/// <item>JSON lines: <c>{"name": "...", "url": "..." or "path": "...", "size": 123, "crc32": "1a2b3c4d",
/// "mtime": "2024-01-01T00:00:00Z" or seconds, "mode": "0644"}</c>; only name and url or path are required.</item>
/// </list>
/// A location of <c>@directory</c> (mod_zip's marker; in JSON, <c>"directory": true</c> in place of url or path) gives
/// an empty directory entry. Blank lines and lines starting with '#' are skipped. Malformed input throws <see cref="FormatException"/> (and only
/// that) naming the line and, once it is read, the entry; URLs in messages lose their user information.
/// </summary>
public static class ArchiveManifest
{
    /// <summary>The location that makes a line an empty directory entry (mod_zip's marker).</summary>
    public const string DirectoryMarker = "@directory";

    /// <summary>
    /// Parses <paramref name="text"/>, without limits. URLs become
    /// <c>EntrySource.FromUrl</c> sources on <paramref name="client"/>
    /// (relative ones resolved against <paramref name="baseUri"/>); local paths go to <paramref name="openPath"/>, which
    /// decides what a manifest may read (null: paths are refused).
    /// </summary>
    public static IReadOnlyList<ArchiveItem> Parse(string text, HttpClient client, Uri? baseUri = null, Func<string, long?, EntrySource>? openPath = null) =>
        Parse(text, client, baseUri, openPath, "manifest");

    /// <summary>
    /// <see cref="Parse(string, HttpClient, Uri?, Func{string, long?, EntrySource}?)"/>, with errors naming the manifest
    /// as <paramref name="label"/> (<c>manifest 'list.txt'</c>) before the line: "<c>manifest 'list.txt' line 3: ...</c>".
    /// </summary>
    internal static IReadOnlyList<ArchiveItem> Parse(string text, HttpClient client, Uri? baseUri, Func<string, long?, EntrySource>? openPath, string label)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(client);
        var options = new ArchiveManifestOptions
        {
            OpenUrl = (url, size) => EntrySource.FromUrl(client, url, size),
            BaseUri = baseUri,
            OpenPath = openPath,
            MaxMembers = int.MaxValue,
            MaxBytes = long.MaxValue,
        };
        using var reader = new StringReader(text);
        var parser = new Parser(options, label);
        while (reader.ReadLine() is { } line)
        {
            parser.Add(line);
        }

        return ArchiveItemList.From(parser.Items);
    }

    /// <summary>
    /// Parses a manifest read from <paramref name="stream"/> (UTF-8) line by line, holding no more than the entries,
    /// within <paramref name="options"/>' limits (by default 100,000 members and 16 MiB): a manifest beyond them throws
    /// <see cref="ManifestLimitException"/> as soon as the limit is passed.
    /// </summary>
    public static async Task<IReadOnlyList<ArchiveItem>> ParseAsync(Stream stream, ArchiveManifestOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(options);
        using var limited = new LimitedStream(stream, options.MaxBytes);
        var bytes = ManifestLegacyNames.ReadsBytes(options);
        var encoding = bytes ? Encoding.Latin1 : options.Encoding is { } named ? Strict(named) : new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        using var reader = new StreamReader(limited, encoding, detectEncodingFromByteOrderMarks: options.Encoding is null && !bytes, bufferSize: 16 * 1024, leaveOpen: true);
        var parser = new Parser(options, "manifest");
        while (true)
        {
            string? line;
            try
            {
                line = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (DecoderFallbackException ex)
            {
                throw new FormatException($"{parser.Label} line {parser.LineNumber + 1}: not {encoding.WebName} ({ex.Message})", ex);
            }

            if (line is null)
            {
                return ArchiveItemList.From(parser.Items); // exactly as many as there are, not the list's room to grow
            }

            parser.Add(line);
        }
    }

    /// <summary>The lines read so far and the entries they gave.</summary>
    private sealed class Parser(ArchiveManifestOptions options, string label)
    {
        /// <summary>What errors call the manifest, before its line number.</summary>
        public string Label => label;

        private readonly bool _bytes = ManifestLegacyNames.ReadsBytes(options);

        public List<ArchiveItem> Items { get; } = [];

        public int LineNumber { get; private set; }

        public void Add(string line)
        {
            LineNumber++;
            var text = line.TrimStart();
            if (text.Length == 0 || text.StartsWith('#'))
            {
                return;
            }

            if (Items.Count == options.MaxMembers)
            {
                throw new ManifestLimitException($"{label} line {LineNumber}: more than {options.MaxMembers} members (the limit)");
            }

            string? name = null;
            try
            {
                Items.Add(text.StartsWith('{') ? ParseJson(_bytes ? ManifestLegacyNames.Utf8(text, "JSON line") : text, ref name) : ParseModZip(line, ref name));
            }
            catch (Exception ex) when (ex is FormatException or JsonException or UriFormatException or OverflowException or ArgumentException or InvalidOperationException)
            {
                var entry = name is null ? "" : $" (entry '{Printable(name)}')";
                // An ArgumentException's message ends in "(Parameter 'x')", a name of our code that tells the app's author nothing.
                var message = ex is ArgumentException { ParamName: { } parameter } ? ex.Message.Replace($" (Parameter '{parameter}')", "", StringComparison.Ordinal) : ex.Message;
                throw new FormatException($"{label} line {LineNumber}{entry}: {message}", ex);
            }
        }

        private ArchiveItem ParseModZip(string line, ref string? name)
        {
            var fields = ModZipLine.Split(line);
            var (text, legacy, legacyOnly) = _bytes ? ManifestLegacyNames.Split(fields.Name, options) : (fields.Name, null, false);
            name = CheckName(text);

            // Checked for directories too, as mod_zip's grammar does, though a directory has no content.
            var (crc, size) = (fields.Crc32, fields.Size);
            var kind = fields.LocationField == DirectoryMarker ? EntryKind.Directory : EntryKind.File;
            var entry = new ArchiveEntry(name, kind) { LegacyName = legacy, LegacyNameOnly = legacyOnly };
            if (kind == EntryKind.Directory)
            {
                return new ArchiveItem(entry);
            }

            var location = _bytes ? ManifestLegacyNames.Utf8(fields.Location, "location") : fields.Location;
            return new ArchiveItem(new ArchiveEntry(entry) { Length = size, Crc32 = crc }, Open(location, size));
        }

        private ArchiveItem ParseJson(string line, ref string? name)
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            name = root.TryGetProperty("name", out var n) ? n.GetString() : null;
            if (string.IsNullOrEmpty(name))
            {
                throw new FormatException("\"name\" is required");
            }

            name = CheckName(name);
            long? size = root.TryGetProperty("size", out var s) ? s.GetInt64() : null;
            uint? crc = root.TryGetProperty("crc32", out var c)
                ? c.ValueKind == JsonValueKind.Number ? c.GetUInt32() : uint.Parse(Text(c, "crc32"), NumberStyles.HexNumber, CultureInfo.InvariantCulture)
                : null;
            DateTimeOffset? mtime = root.TryGetProperty("mtime", out var m)
                ? m.ValueKind == JsonValueKind.Number ? DateTimeOffset.FromUnixTimeSeconds(m.GetInt64()) : DateTimeOffset.Parse(Text(m, "mtime"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)
                : null;
            UnixFileMode? mode = root.TryGetProperty("mode", out var md)
                ? (UnixFileMode)(md.ValueKind == JsonValueKind.Number ? md.GetInt32() : Convert.ToInt32(Text(md, "mode"), 8))
                : null;
            if (root.TryGetProperty("directory", out var d) && d.ValueKind == JsonValueKind.True)
            {
                return new ArchiveItem(new ArchiveEntry(name, EntryKind.Directory) { LastModified = mtime, Mode = mode });
            }

            EntrySource source;
            if (root.TryGetProperty("url", out var u))
            {
                source = Open(Text(u, "url"), size);
            }
            else if (root.TryGetProperty("path", out var p))
            {
                source = options.OpenPath?.Invoke(Text(p, "path"), size) ?? throw new FormatException("local \"path\" entries are not allowed here");
            }
            else
            {
                throw new FormatException("\"url\" or \"path\" is required");
            }

            var entry = new ArchiveEntry(name) { Length = size ?? source.Length, Crc32 = crc, LastModified = mtime, Mode = mode };
            return new ArchiveItem(entry, source);
        }

        /// <summary>
        /// The source of a location: a reference relative to the base ("/files/a.txt", "a.txt") resolves against it and
        /// opens with <see cref="ArchiveManifestOptions.OpenRelativeUrl"/>; an absolute http(s) URL with
        /// <see cref="ArchiveManifestOptions.OpenUrl"/>; a relative reference may not resolve to another scheme.
        /// </summary>
        private EntrySource Open(string location, long? size)
        {
            // On Unix, .NET parses "/files/a" as an absolute file: URI; a path from the root is relative here.
            // "//host/x" (another host, the scheme implied) is absolute in effect and resolves like one.
            var fromRoot = location.StartsWith('/') && !location.StartsWith("//", StringComparison.Ordinal);
            if (!fromRoot && Uri.TryCreate(location, UriKind.Absolute, out var url))
            {
                return IsHttp(url) ? options.OpenUrl(url, size) : throw new FormatException($"'{HttpEntrySource.Redact(location)}' is not an http(s) URL");
            }

            if (options.BaseUri is not { } baseUri)
            {
                throw new FormatException($"'{HttpEntrySource.Redact(location)}' is relative, and relative locations are not allowed here");
            }

            if (Uri.TryCreate(baseUri, location, out var resolved) && IsHttp(resolved))
            {
                return (HttpEntrySource.SameOrigin(resolved, baseUri) ? options.OpenRelativeUrl ?? options.OpenUrl : options.OpenUrl)(resolved, size);
            }

            throw new FormatException($"'{HttpEntrySource.Redact(location)}' is not an http(s) URL");
        }

        private static bool IsHttp(Uri url) => url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps;
    }

    /// <summary>A copy of <paramref name="encoding"/> that throws on bytes it cannot decode, rather than guessing.</summary>
    private static Encoding Strict(Encoding encoding)
    {
        var strict = (Encoding)encoding.Clone();
        strict.EncoderFallback = EncoderFallback.ExceptionFallback;
        strict.DecoderFallback = DecoderFallback.ExceptionFallback;
        return strict;
    }

    private static string Text(JsonElement value, string property) =>
        value.ValueKind == JsonValueKind.String ? value.GetString()! : throw new FormatException($"\"{property}\" must be a string");

    /// <summary>A name that has no UTF-8 form (an unpaired surrogate, from a JSON escape) is malformed input here, not later.</summary>
    private static string CheckName(string name)
    {
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsHighSurrogate(name[i]) && i + 1 < name.Length && char.IsLowSurrogate(name[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(name[i]))
            {
                throw new FormatException($"name has an unpaired surrogate at index {i}, so it has no UTF-8 form");
            }
        }

        return name;
    }

    private static string Printable(string name)
    {
        var builder = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            builder.Append(char.IsControl(c) || char.IsSurrogate(c) ? $"\\u{(int)c:X4}" : c);
        }

        return builder.ToString();
    }

    /// <summary>A read-only view of a stream that fails once more than <c>limit</c> bytes came through it.</summary>
    private sealed class LimitedStream(Stream inner, long limit) : Streaming.ReadOnlyStreamBase
    {
        private long _read;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var n = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            Count(n);
            return n;
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = inner.Read(buffer, offset, count);
            Count(n);
            return n;
        }

        private void Count(int n)
        {
            _read += n;
            if (_read > limit)
            {
                throw new ManifestLimitException($"manifest is larger than {limit} bytes (the limit)");
            }
        }
    }
}
