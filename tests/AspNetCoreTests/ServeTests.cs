using System.IO.Compression;
using System.IO.Hashing;
using System.Net;
using System.Text;
using Formats.Cli;

namespace Formats.AspNetCoreTests;

/// <summary>The `formats serve` app on a real Kestrel: the page, downloads of picked files, and manifests of remote URLs.</summary>
public sealed class ServeTests : IAsyncDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("formats-serve-").FullName;
    private readonly HttpClient _client = new();

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        Directory.Delete(_root, recursive: true);
        await Task.CompletedTask;
    }

    private async Task<Microsoft.AspNetCore.Builder.WebApplication> StartAsync(ServeOptions? options = null)
    {
        Directory.CreateDirectory(Path.Combine(_root, "sub"));
        await File.WriteAllTextAsync(Path.Combine(_root, "a & b.txt"), "first");
        await File.WriteAllTextAsync(Path.Combine(_root, "sub", "c.txt"), "second");
        var app = ServeCommand.Build(_root, "http://127.0.0.1:0", options);
        await app.StartAsync();
        return app;
    }

    private static Uri At(Microsoft.AspNetCore.Builder.WebApplication app, string path) => new(app.Urls.First() + path);

    [Fact]
    public async Task Page_lists_every_file_with_a_checkbox_and_the_three_download_buttons()
    {
        await using var app = await StartAsync();
        var html = await _client.GetStringAsync(At(app, "/"));
        Assert.Contains("value=\"a &amp; b.txt\"", html, StringComparison.Ordinal);
        Assert.Contains("value=\"sub/c.txt\"", html, StringComparison.Ordinal);
        foreach (var button in new[] { "Download as ZIP", "Download as TAR", "Download as TAR.GZ" })
        {
            Assert.Contains(button, html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Health_is_healthy_and_then_degraded_while_the_redis_crc_store_is_down()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var app = await StartAsync(new ServeOptions { CrcStore = CrcStores.Open(redis.Url) });
        Assert.Equal("Healthy", await _client.GetStringAsync(At(app, "/healthz")));
        var whole = At(app, "/download?format=zip&file=a%20%26%20b.txt&file=sub%2Fc.txt");
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync(whole)).StatusCode);

        // The store is gone: the next download's writes and a resume's lookups fail off the request's path, and health
        // says so (polled for at most 15 s, a failure guard), while downloads go on.
        await redis.KillAsync();
        using var resume = new HttpRequestMessage(HttpMethod.Get, whole) { Headers = { Range = new System.Net.Http.Headers.RangeHeaderValue(120, null) } };
        Assert.Equal(HttpStatusCode.PartialContent, (await _client.SendAsync(resume)).StatusCode);
        string health;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while ((health = await _client.GetStringAsync(At(app, "/healthz"))) != "Degraded" && watch.Elapsed < TimeSpan.FromSeconds(15))
        {
            await Task.Delay(50);
        }

        Assert.Equal("Degraded", health);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync(whole)).StatusCode);
    }

    [Fact]
    public async Task Picked_files_download_as_a_zip_named_after_the_folder()
    {
        await using var app = await StartAsync();
        using var response = await _client.GetAsync(At(app, "/download?format=zip&file=a%20%26%20b.txt&file=sub%2Fc.txt"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.EndsWith(".zip", response.Content.Headers.ContentDisposition!.FileName!.Trim('"'), StringComparison.Ordinal);
        using var zip = new ZipArchive(await response.Content.ReadAsStreamAsync());
        Assert.Equal(["a & b.txt", "sub/c.txt"], zip.Entries.Select(e => e.FullName));
    }

    [Theory]
    [InlineData("/download?format=zip&file=..%2F..%2Fetc%2Fpasswd")]
    [InlineData("/download?format=zip&file=%2Fetc%2Fpasswd")]
    [InlineData("/download?format=rar&file=sub%2Fc.txt")]
    [InlineData("/download?format=zip")]
    public async Task Files_outside_the_folder_unknown_formats_and_empty_picks_are_refused(string path)
    {
        await using var app = await StartAsync();
        using var response = await _client.GetAsync(At(app, path));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("modzip")]
    [InlineData("json")]
    public async Task Manifest_of_remote_urls_becomes_an_archive(string form)
    {
        await using var upstream = await Upstream.StartAsync();
        await using var app = await StartAsync(new ServeOptions { AllowedOrigins = [upstream.BaseUri] });
        var content = SyntheticStream.Bytes(5000, 7, compressible: false);
        var crc = Crc32.HashToUInt32(content).ToString("x8");
        var url = upstream.File("m", 5000, 7);
        var manifest = form == "modzip"
            ? $"{crc} 5000 {url} remote/file one.bin\n- 5000 {url} remote/file two.bin\n"
            : $"{{\"name\":\"remote/file one.bin\",\"url\":\"{url}\",\"size\":5000,\"crc32\":\"{crc}\"}}\n{{\"name\":\"remote/file two.bin\",\"url\":\"{url}\",\"size\":5000}}\n";
        using var response = await _client.PostAsync(At(app, "/manifest?format=zip&name=remote"), new StringContent(manifest, Encoding.UTF8));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var zip = new ZipArchive(await response.Content.ReadAsStreamAsync());
        Assert.Equal(["remote/file one.bin", "remote/file two.bin"], zip.Entries.Select(e => e.FullName));
        using var s = zip.Entries[1].Open();
        var ms = new MemoryStream();
        s.CopyTo(ms);
        Assert.Equal(content, ms.ToArray());
    }

    [Fact]
    public async Task Manifest_may_not_read_local_paths_and_bad_lines_are_named()
    {
        await using var app = await StartAsync();
        using var local = await _client.PostAsync(At(app, "/manifest?format=zip"), new StringContent("{\"name\":\"p\",\"path\":\"/etc/passwd\"}\n"));
        Assert.Equal(HttpStatusCode.BadRequest, local.StatusCode);
        using var bad = await _client.PostAsync(At(app, "/manifest?format=zip"), new StringContent("# comment\nnot a manifest line\n"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("line 2", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
