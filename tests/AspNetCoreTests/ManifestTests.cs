using System.Text;
using Formats.Http;

namespace Formats.AspNetCoreTests;

/// <summary>ArchiveManifest: streaming parse, limits, and malformed input as FormatException naming the line.</summary>
public sealed class ManifestTests
{
    private static readonly HttpClient Client = new();

    private static ArchiveManifestOptions Options(int maxMembers = 100_000, long maxBytes = 16 * 1024 * 1024) => new()
    {
        OpenUrl = (url, size) => EntrySource.FromUrl(Client, url, size),
        MaxMembers = maxMembers,
        MaxBytes = maxBytes,
    };

    private static Task<IReadOnlyList<ArchiveItem>> ParseAsync(string text, ArchiveManifestOptions options) =>
        ArchiveManifest.ParseAsync(new MemoryStream(Encoding.UTF8.GetBytes(text)), options);

    [Theory]
    [InlineData("{\"name\":\"a\\ud800b\",\"url\":\"http://127.0.0.1:1/x\"}")]
    [InlineData("{\"name\":\"a\\udc00\",\"url\":\"http://127.0.0.1:1/x\"}")]
    [InlineData("{\"name\":5,\"url\":\"http://127.0.0.1:1/x\"}")]
    [InlineData("{\"name\":\"a\",\"url\":5}")]
    [InlineData("{\"name\":\"a\",\"url\":\"http://127.0.0.1:1/x\",\"crc32\":null}")]
    [InlineData("{\"name\":\"a\",\"url\":\"http://127.0.0.1:1/x\",\"mtime\":1e300}")]
    [InlineData("[1]")]
    [InlineData("{\"name\":\"a\",\"url\":\"file:///etc/passwd\"}")]
    public async Task Malformed_line_is_a_format_exception_naming_the_line(string line)
    {
        var text = "# header\n" + line + "\n";
        var parsed = Assert.Throws<FormatException>(() => ArchiveManifest.Parse(text, Client));
        Assert.Equal(typeof(FormatException), parsed.GetType());
        Assert.StartsWith("manifest line 2", parsed.Message, StringComparison.Ordinal);
        var streamed = await Assert.ThrowsAsync<FormatException>(() => ParseAsync(text, Options()));
        Assert.StartsWith("manifest line 2", streamed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Members_beyond_the_limit_are_refused_at_the_first_one_over()
    {
        var text = string.Concat(Enumerable.Range(0, 4).Select(i => $"- 1 http://127.0.0.1:1/{i} f{i}\n"));
        Assert.Equal(4, (await ParseAsync(text, Options(maxMembers: 4))).Count);
        var ex = await Assert.ThrowsAsync<ManifestLimitException>(() => ParseAsync(text, Options(maxMembers: 3)));
        Assert.Contains("line 4", ex.Message, StringComparison.Ordinal);
        Assert.Contains("more than 3 members", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bytes_beyond_the_limit_are_refused()
    {
        var text = string.Concat(Enumerable.Range(0, 100).Select(i => $"- 1 http://127.0.0.1:1/{i} f{i}\n"));
        var ex = await Assert.ThrowsAsync<ManifestLimitException>(() => ParseAsync(text, Options(maxBytes: 1000)));
        Assert.Contains("larger than 1000 bytes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Errors_after_the_name_name_the_entry()
    {
        var ex = await Assert.ThrowsAsync<FormatException>(() => ParseAsync("zz 1 http://127.0.0.1:1/x photos/a.jpg\n", Options()));
        Assert.Contains("manifest line 1 (entry 'photos/a.jpg')", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Streamed_manifest_with_a_utf8_bom_and_crlf_lines_reads_like_the_text_form()
    {
        var text = "{\"name\":\"j\u00e9.bin\",\"url\":\"http://127.0.0.1:1/j\",\"size\":3}\r\n- 5 http://127.0.0.1:1/m m.bin\r\n";
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(text)).ToArray();
        var streamed = await ArchiveManifest.ParseAsync(new MemoryStream(bytes), Options());
        var parsed = ArchiveManifest.Parse(text, Client);
        Assert.Equal(parsed.Select(i => (i.Entry.Name, i.Entry.Length)), streamed.Select(i => (i.Entry.Name, i.Entry.Length)));
        Assert.Equal(["j\u00e9.bin", "m.bin"], streamed.Select(i => i.Entry.Name));
    }
}
