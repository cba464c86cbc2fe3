using System.IO.Compression;
using System.Net;
using System.Text;
using Formats.AspNetCore;
using Formats.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Formats.AspNetCoreTests;

/// <summary>
/// mod_zip's manifest grammar (ngx_http_zip_parsers.rl): runs of spaces between the first three fields, the name from its
/// first character that is not a space; its README's example and its test manifests (t/nginx/html) read as there.
/// </summary>
public sealed class ModZipGrammarTests
{
    private static readonly HttpClient Client = new();
    private static readonly Uri Base = new("http://127.0.0.1:1/");

    // mod_zip's README, "Usage": aligned columns.
    private const string ReadmeExample =
        "1034ab38 428    /foo.txt   My Document1.txt\n" +
        "83e8110b 100339 /bar.txt   My Other Document1.txt\n" +
        "0        0      @directory My empty directory\n";

    // mod_zip's t/nginx/html/zip-empty-dirs.txt; its files are ziptest.pl's (CRCs as there).
    private const string EmptyDirsManifest =
        "1a6349c5 24 /file1.txt file1.txt\n" +
        "0        0  @directory empty_dir1/\n" +
        "5d70c4d3 25 /file2.txt file2.txt\n" +
        "0        0  @directory empty_dir2/\n";

    private static readonly byte[] File1 = "This is the first file.\n"u8.ToArray();
    private static readonly byte[] File2 = "This is the second file.\n"u8.ToArray();

    private static IReadOnlyList<ArchiveItem> Parse(string text) => ArchiveManifest.Parse(text, Client, Base);

    [Fact]
    public void Readme_example_with_aligned_columns_reads_as_mod_zip_reads_it()
    {
        var items = Parse(ReadmeExample);
        Assert.Equal(["My Document1.txt", "My Other Document1.txt", "My empty directory"], items.Select(i => i.Entry.Name));
        Assert.Equal([0x1034ab38u, 0x83e8110bu, (uint?)null], items.Select(i => i.Entry.Crc32));
        Assert.Equal([428L, 100339L], items.Take(2).Select(i => i.Entry.Length!.Value));
        Assert.Equal([EntryKind.File, EntryKind.File, EntryKind.Directory], items.Select(i => i.Entry.Kind));
    }

    [Fact]
    public void Test_manifest_with_padded_directory_lines_reads_as_mod_zip_reads_it()
    {
        var items = Parse(EmptyDirsManifest);
        Assert.Equal(["file1.txt", "empty_dir1/", "file2.txt", "empty_dir2/"], items.Select(i => i.Entry.Name));
        Assert.Equal([EntryKind.File, EntryKind.Directory, EntryKind.File, EntryKind.Directory], items.Select(i => i.Entry.Kind));
    }

    [Theory]
    [InlineData("- 3  /a.txt  a.txt", "a.txt")]
    [InlineData("-    3 /a.txt      name with  spaces  ", "name with  spaces  ")]
    [InlineData("00001A2B 3 /a.txt a.txt", "a.txt")]
    [InlineData("- 3 /a\tb.txt \ta.txt", "\ta.txt")]
    public void Runs_of_spaces_separate_and_the_name_keeps_no_leading_space(string line, string name)
    {
        Assert.Equal(name, Assert.Single(Parse(line)).Entry.Name);
    }

    [Theory]
    [InlineData(" - 3 /a.txt a.txt", "starts with a space")]
    [InlineData("-\t3\t/a.txt\ta.txt", "no space after the CRC-32")]
    [InlineData("- 3 /a.txt", "name is missing")]
    [InlineData("- 3 /a.txt   ", "name is missing")]
    [InlineData("-- 3 /a.txt a.txt", "neither hex digits nor '-'")]
    [InlineData("0x1a 3 /a.txt a.txt", "neither hex digits nor '-'")]
    [InlineData("- +3 /a.txt a.txt", "not decimal digits")]
    [InlineData("- 3 /a.txt? a.txt", "empty query")]
    [InlineData("- 3 ?x a.txt", "empty path")]
    [InlineData("zz 0 @directory d/", "neither hex digits nor '-'")]
    public void What_mod_zip_refuses_is_refused_naming_the_field(string line, string problem)
    {
        var error = Assert.Throws<FormatException>(() => Parse("# first\n" + line + "\n"));
        Assert.StartsWith("manifest line 2", error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1a6349c5a 3 /a.txt a.txt")]
    [InlineData("100000000 3 /a.txt a.txt")]
    public void A_crc32_over_32_bits_is_refused_where_mod_zip_keeps_its_low_32_bits(string line)
    {
        // mod_zip's crc_incr multiplies a uint32_t by 16 per hex digit, so these would become a6349c5a and 0: a wrong
        // CRC-32 the archive's reader finds only when extracting. The gateway refuses the line (gateway.md, "Moving from mod_zip").
        var error = Assert.Throws<FormatException>(() => Parse(line + "\n"));
        Assert.StartsWith("manifest line 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("more than 32 bits", error.Message, StringComparison.Ordinal);
        Assert.Equal(0x1a6349c5u, Assert.Single(Parse("000000001a6349c5 3 /a.txt a.txt\n")).Entry.Crc32);
    }

    [Theory]
    [InlineData(ReadmeExample)]
    [InlineData(EmptyDirsManifest)]
    public async Task Mod_zip_documented_manifests_become_archives_through_a_real_gateway(string manifest)
    {
        // The README's CRC-32s and sizes are made up: its files get contents that match them only in length, so the
        // gateway is given '-' for those (the grammar is the same) and the real sizes.
        var readme = manifest == ReadmeExample;
        var text = readme
            ? manifest.Replace("1034ab38 428   ", "-        428   ", StringComparison.Ordinal).Replace("83e8110b 100339", "-        100339", StringComparison.Ordinal)
            : manifest;
        await using var gateway = await AppGateway.StartAsync(app =>
        {
            app.MapGet("/archive/", (HttpContext context) =>
            {
                context.Response.Headers[ArchiveResponseHeaders.Files] = "zip";
                return context.Response.WriteAsync(text);
            });
            app.MapGet("/file1.txt", () => Results.Bytes(File1));
            app.MapGet("/file2.txt", () => Results.Bytes(File2));
            app.MapGet("/foo.txt", () => Results.Bytes(new byte[428]));
            app.MapGet("/bar.txt", () => Results.Bytes(new byte[100339]));
        });
        using var client = gateway.Client();
        using var response = await client.GetAsync("archive/");
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, Encoding.UTF8.GetString(body));
        using var zip = new ZipArchive(new MemoryStream(body), ZipArchiveMode.Read);
        var expected = readme
            ? new[] { "My Document1.txt", "My Other Document1.txt", "My empty directory/" }
            : ["file1.txt", "empty_dir1/", "file2.txt", "empty_dir2/"];
        Assert.Equal(expected, zip.Entries.Select(e => e.FullName));
        if (!readme)
        {
            Assert.Equal(0x1a6349c5u, zip.Entries[0].Crc32);
            Assert.Equal(0x5d70c4d3u, zip.Entries[2].Crc32);
        }
    }
}
