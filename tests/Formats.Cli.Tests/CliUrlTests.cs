using Formats.Tar;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Formats.Cli.Tests;

/// <summary>
/// URL SOURCEs against a real Kestrel on 127.0.0.1 (a free port the system picks), as the AspNetCoreTests' upstream
/// runs: an entry takes the upstream's Last-Modified (never the clock) and, for tar, its Content-Length.
/// </summary>
public sealed class CliUrlTests : CliTestBase, IAsyncLifetime
{
    private static readonly DateTimeOffset Modified = new(2001, 2, 3, 4, 5, 6, TimeSpan.Zero);

    private WebApplication? _upstream;

    private Uri BaseUri => new(_upstream!.Urls.First() + "/");

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _upstream = builder.Build();

        // "dated": Content-Length and Last-Modified; "undated": Content-Length only; "unsized": chunked, no length.
        _upstream.MapGet("/dated/{name}", (HttpContext context) =>
        {
            context.Response.Headers.LastModified = Modified.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
            context.Response.ContentLength = 5;
            return context.Response.Body.WriteAsync("hello"u8.ToArray()).AsTask();
        });
        _upstream.MapGet("/undated/{name}", (HttpContext context) =>
        {
            context.Response.ContentLength = 5;
            return context.Response.Body.WriteAsync("hello"u8.ToArray()).AsTask();
        });
        _upstream.MapGet("/unsized/{name}", async (HttpContext context) =>
        {
            await context.Response.Body.WriteAsync("hel"u8.ToArray());
            await context.Response.Body.FlushAsync();
            await context.Response.Body.WriteAsync("lo"u8.ToArray());
        });
        await _upstream.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_upstream is not null)
        {
            await _upstream.StopAsync();
            await _upstream.DisposeAsync();
        }
    }

    [Fact]
    public async Task Zip_of_a_url_takes_the_upstream_last_modified()
    {
        var (code, zip, stderr, _) = await Run(null, "zip", new Uri(BaseUri, "dated/a.txt").ToString());
        Assert.True(code == 0, stderr);
        var entry = Assert.Single(ZipInspector.Inspect(zip).Entries);
        Assert.Equal("a.txt", entry.Name);
        Assert.Equal(Modified.ToUnixTimeSeconds(), BitConverter.ToInt32(entry.CentralExtras[0x5455], 1));
        Assert.Equal("hello"u8.ToArray(), ZipTestHelpers.ReadWithSystemIoCompression(zip)["a.txt"]);
    }

    [Fact]
    public async Task Tar_of_a_url_without_declared_length_takes_its_content_length_and_last_modified()
    {
        var (code, tar, stderr, _) = await Run(null, "tar", new Uri(BaseUri, "dated/a.txt").ToString());
        Assert.True(code == 0, stderr);
        var entry = Assert.Single(TarTestHelpers.ReadWithTarReader(tar));
        Assert.Equal(("a.txt", Modified), (entry.Name, entry.Modified));
        Assert.Equal("hello"u8.ToArray(), entry.Content);
    }

    [Fact]
    public async Task Url_without_last_modified_gets_the_default_time_not_the_clock()
    {
        var (code, tar, stderr, _) = await Run(null, "tar", "--compress", "gzip", new Uri(BaseUri, "undated/b.txt").ToString());
        Assert.True(code == 0, stderr);
        var entry = Assert.Single(TarTestHelpers.ReadWithTarReader(TarTestHelpers.Decompress(tar, TarCompression.Gzip)));
        Assert.Equal(ArchiveEntry.DefaultLastModified, entry.Modified);
    }

    [Fact]
    public async Task Tar_of_a_url_that_sends_no_length_fails_with_one_line_naming_the_entry()
    {
        var (code, tar, stderr, _) = await Run(null, "tar", new Uri(BaseUri, "unsized/c.txt").ToString());
        Assert.Equal(1, code);
        Assert.Single(stderr.TrimEnd('\n').Split('\n'));
        Assert.Contains("'c.txt'", stderr, StringComparison.Ordinal);

        // Nothing of the archive but the block that makes every tar reader report it incomplete.
        Assert.True(tar.Length <= 512, $"{tar.Length} bytes on standard output");
        Assert.ThrowsAny<Exception>(() => TarTestHelpers.ReadWithTarReader(tar));

        var (zipCode, zip, zipError, _) = await Run(null, "zip", new Uri(BaseUri, "unsized/c.txt").ToString());
        Assert.True(zipCode == 0, zipError);
        Assert.Equal("hello"u8.ToArray(), ZipTestHelpers.ReadWithSystemIoCompression(zip)["c.txt"]);
    }

    [Theory]
    [InlineData("zip", "--method", "stored")]
    [InlineData("zip", "--method", "stored", "--range", "0-10")]
    [InlineData("zip")]
    [InlineData("tar")]
    public async Task Missing_url_in_a_manifest_is_one_line_naming_the_entry(params string[] command)
    {
        // --method stored reads each source first for its CRC-32: that read fails as the archive's would.
        var manifest = Path.Combine(Dir, "list.txt");
        File.WriteAllText(manifest, $"{{\"name\": \"gone.txt\", \"url\": \"{new Uri(BaseUri, "missing/gone.txt")}\", \"size\": 5}}\n");
        var (code, _, stderr, _) = await Run(null, [.. command, "@" + manifest]);
        Assert.Equal(1, code);
        Assert.Single(stderr.TrimEnd('\n').Split('\n'));
        Assert.Contains("entry 'gone.txt'", stderr, StringComparison.Ordinal);
        Assert.Contains("404", stderr, StringComparison.Ordinal);
    }
}
