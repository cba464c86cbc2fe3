using System.IO.Compression;
using System.IO.Hashing;
using System.Net;
using System.Text;
using Formats.AspNetCore;
using Formats.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Formats.AspNetCoreTests;

/// <summary>
/// mod_zip's legacy names through a real gateway: <c>X-Archive-Name-Sep</c> (<c>legacy&lt;sep&gt;utf-8</c>: the legacy bytes
/// as the name field without the UTF-8 flag, the UTF-8 name as the Unicode Path extra 0x7075) and
/// <c>X-Archive-Charset: native</c> (the bytes as given, unflagged, no extra).
/// </summary>
public sealed class LegacyNameGatewayTests
{
    private const ushort UnicodePathTag = 0x7075;
    private const ushort Utf8Flag = 1 << 11;
    private static readonly Encoding Cp866 = CodePagesEncodingProvider.Instance.GetEncoding(866)!;

    /// <summary>The app: its manifest bytes as given, with the headers given, and the files.</summary>
    private static Task<AppGateway> StartAsync(byte[] manifest, params (string Name, string Value)[] headers) =>
        AppGateway.StartAsync(app =>
        {
            app.MapGet("/archive/", async (HttpContext context) =>
            {
                context.Response.Headers[ArchiveResponseHeaders.Files] = "zip";
                foreach (var (name, value) in headers)
                {
                    context.Response.Headers[name] = value;
                }

                await context.Response.Body.WriteAsync(manifest);
            });
            app.MapGet("/files/{name}", (string name) => Results.Bytes(Encoding.UTF8.GetBytes(name + name + name)));
        });

    private static async Task<byte[]> GetAsync(AppGateway gateway)
    {
        using var client = gateway.Client();
        using var response = await client.GetAsync("archive/");
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, Encoding.UTF8.GetString(body));
        return body;
    }

    private static byte[] NameField(byte[] zip, InspectedEntry entry) =>
        zip.AsSpan((int)entry.LocalHeaderOffset + 30, entry.Local.FileNameLength).ToArray();

    private static string UnicodePath(InspectedEntry entry, byte[] nameField)
    {
        var data = entry.CentralExtras[UnicodePathTag];
        Assert.Equal(data, entry.LocalExtras[UnicodePathTag]);
        Assert.Equal(1, data[0]);
        Assert.Equal(Crc32.HashToUInt32(nameField), BitConverter.ToUInt32(data, 1));
        return Encoding.UTF8.GetString(data, 5, data.Length - 5);
    }

    [Fact]
    public async Task Name_sep_writes_the_legacy_name_unflagged_and_the_utf8_name_as_a_unicode_path_extra()
    {
        // As mod_zip's README has it: "<native-filename><separator><utf8-filename>"; the native part in CP866 bytes.
        byte[] manifest =
        [
            .. "- 3 /files/a Foto.txt|Фото.txt\n"u8,
            .. "- 3 /files/b "u8, .. Cp866.GetBytes("Отчёт.txt"), .. "|Отчёт.txt\n"u8,
            .. "- 3 /files/c plain.txt\n"u8,
            .. "- 3 /files/d Trailing.txt|\n"u8,
        ];
        await using var gateway = await StartAsync(manifest, (ArchiveResponseHeaders.NameSeparator, "|"));
        var body = await GetAsync(gateway);
        var entries = ZipInspector.Inspect(body).Entries;
        Assert.Equal(4, entries.Count);
        Assert.Equal("Фото.txt", UnicodePath(entries[0], "Foto.txt"u8.ToArray()));
        Assert.Equal("Отчёт.txt", UnicodePath(entries[1], Cp866.GetBytes("Отчёт.txt")));
        Assert.Equal(Cp866.GetBytes("Отчёт.txt"), NameField(body, entries[1]));
        Assert.All(entries, e => Assert.Equal(0, e.Central.GeneralPurposeBitFlag & Utf8Flag));

        // No separator: the name as given, alone (mod_zip: "no extra field for this one").
        Assert.False(entries[2].CentralExtras.ContainsKey(UnicodePathTag));

        // A separator that ends the name: mod_zip drops it and writes the part before it alone, without the extra.
        Assert.False(entries[3].CentralExtras.ContainsKey(UnicodePathTag));
        Assert.Equal("Trailing.txt"u8.ToArray(), NameField(body, entries[3]));
        using var zip = new ZipArchive(new MemoryStream(body), ZipArchiveMode.Read, leaveOpen: false, Cp866);
        Assert.Equal(["Foto.txt", "Отчёт.txt", "plain.txt", "Trailing.txt"], zip.Entries.Select(e => e.FullName));
    }

    [Fact]
    public async Task Charset_native_writes_the_names_as_given_without_the_utf8_flag_or_an_extra()
    {
        byte[] manifest = [.. "- 3 /files/a "u8, .. Cp866.GetBytes("Фото.txt"), .. "\n- 3 /files/b utf8 имя.txt\n"u8];
        await using var gateway = await StartAsync(manifest, (ArchiveResponseHeaders.Charset, "native;"));
        var body = await GetAsync(gateway);
        var entries = ZipInspector.Inspect(body).Entries;
        Assert.Equal(Cp866.GetBytes("Фото.txt"), NameField(body, entries[0]));
        Assert.Equal("utf8 имя.txt"u8.ToArray(), NameField(body, entries[1]));
        Assert.All(entries, e =>
        {
            Assert.Equal(0, e.Central.GeneralPurposeBitFlag & Utf8Flag);
            Assert.False(e.CentralExtras.ContainsKey(UnicodePathTag));
        });
    }

    [Theory]
    [InlineData("- 3 /files/a ../evil.txt|safe.txt\n", "legacy name has a '..' segment")]
    [InlineData("- 3 /files/a /etc/evil|safe.txt\n", "legacy name is an absolute path")]
    [InlineData("- 3 /files/a safe.txt|../evil.txt\n", "name has a '..' segment")]
    public async Task A_legacy_or_utf8_name_that_would_escape_is_refused_before_the_first_byte(string manifest, string problem)
    {
        await using var gateway = await StartAsync(Encoding.UTF8.GetBytes(manifest), (ArchiveResponseHeaders.NameSeparator, "|"));
        using var client = gateway.Client();
        using var response = await client.GetAsync("archive/");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(problem, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("- 3 /files/a a|b|Фото.txt", "a|b", "Фото.txt")]
    [InlineData("- 3 /files/a Foto.txt|", "Foto.txt", "Foto.txt")]          // mod_zip drops a trailing separator: no UTF-8 part, no extra
    [InlineData("- 3 /files/a a|b|", "a|b", "a|b")]
    [InlineData("0 0 @directory Papka/|Папка/", "Papka", "Папка/")]
    public async Task Name_sep_splits_at_the_last_separator_and_drops_a_trailing_one_as_mod_zip_does(string line, string legacy, string name)
    {
        var options = new ArchiveManifestOptions { OpenUrl = (url, size) => EntrySource.FromBytes(Array.Empty<byte>()), BaseUri = new Uri("http://127.0.0.1:1/"), NameSeparator = "|" };
        var items = await ArchiveManifest.ParseAsync(new MemoryStream(Encoding.UTF8.GetBytes(line + "\n")), options);
        var entry = Assert.Single(items).Entry;
        Assert.Equal(name, entry.Name);
        Assert.Equal(legacy, Encoding.UTF8.GetString(entry.LegacyName.Span).TrimEnd('/'));
        Assert.Equal(name == legacy, entry.LegacyNameOnly);
    }

    [Theory]
    [InlineData("- 3 /a |Фото.txt\n")]
    [InlineData("- 3 /a |\n")]
    public async Task Name_sep_with_an_empty_legacy_part_is_refused_naming_the_line(string line)
    {
        // mod_zip writes an empty name field (plus the extra when a UTF-8 part follows); readers that ignore the extra
        // get a nameless entry, so the gateway refuses it (gateway.md, "Moving from mod_zip").
        var options = new ArchiveManifestOptions { OpenUrl = (url, size) => EntrySource.FromBytes(Array.Empty<byte>()), BaseUri = new Uri("http://127.0.0.1:1/"), NameSeparator = "|" };
        var error = await Assert.ThrowsAsync<FormatException>(() => ArchiveManifest.ParseAsync(new MemoryStream(Encoding.UTF8.GetBytes(line)), options));
        Assert.Contains("manifest line 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("legacy name before the separator '|' is empty", error.Message, StringComparison.Ordinal);
    }
}
