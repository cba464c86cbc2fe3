using System.Formats.Tar;
using System.IO.Compression;
using System.IO.Hashing;
using System.Net.Http.Headers;
using System.Net;
using Formats.AspNetCore;
using Formats.Http;
using Formats.Zip;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Formats.AspNetCoreTests;

/// <summary>When an upstream fails, is short or the client goes away: what the client and the upstream see.</summary>
public sealed partial class ArchiveResultTests
{
    [Fact]
    public async Task Client_that_goes_away_cancels_the_upstream_request()
    {
        await using var upstream = await Upstream.StartAsync();
        var items = new[] { new ArchiveItem(new ArchiveEntry("slow.bin") { Length = 10_000_000 }, EntrySource.FromUrl(Upstreams, new Uri(upstream.BaseUri, "slow/x?size=10000000"), 10_000_000)) };
        await using var server = await ServeAsync(_ => new ArchiveResult(items, ArchiveFormat.Zip, "x"));
        using var client = new HttpClient();
        var response = await client.GetAsync(new Uri(server.BaseUri, "download"), HttpCompletionOption.ResponseHeadersRead);
        var body = await response.Content.ReadAsStreamAsync();
        await body.ReadExactlyAsync(new byte[100]);
        response.Dispose();
        client.Dispose();

        // The upstream sends its 10 MB at 20 KiB/s (over 8 minutes): a request that ends within the guard was cancelled,
        // and one that was not fails the test at the guard, however loaded the machine.
        var cancelled = await Record.ExceptionAsync(() => upstream.FirstAborted.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken));
        Assert.True(cancelled is null, "the upstream request was not cancelled within 60 s of the client leaving");
        Assert.NotEmpty(upstream.Aborted);
    }

    [Fact]
    public async Task Upstream_that_fails_halfway_gives_the_client_an_incomplete_response()
    {
        await using var upstream = await Upstream.StartAsync();
        var items = new[]
        {
            new ArchiveItem(new ArchiveEntry("ok.bin") { Length = 300_000, Crc32 = Crc32.HashToUInt32(SyntheticStream.Bytes(300_000, 0, false)) }, EntrySource.FromUrl(Upstreams, upstream.File("ok", 300_000), 300_000)),
            new ArchiveItem(new ArchiveEntry("broken.bin") { Length = 1_000_000 }, EntrySource.FromUrl(Upstreams, new Uri(upstream.BaseUri, "fail/x?size=1000000"), 1_000_000)),
        };
        await using var server = await ServeAsync(_ => new ArchiveResult(items, ArchiveFormat.Zip, "x"));
        using var client = new HttpClient();
        using var response = await client.GetAsync(new Uri(server.BaseUri, "download"), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await Assert.ThrowsAnyAsync<Exception>(async () => await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Upstream_404_before_any_byte_gives_502_naming_the_entry_and_the_url()
    {
        await using var upstream = await Upstream.StartAsync();
        var url = new Uri(upstream.BaseUri, "missing/thing");
        var items = new[] { new ArchiveItem(new ArchiveEntry("gone.bin") { Length = 10 }, EntrySource.FromUrl(Upstreams, url, 10)) };
        await using var server = await ServeAsync(_ => new ArchiveResult(items, ArchiveFormat.Zip, "x") { ZipOptions = new ZipWriterOptions() });
        using var response = await GetAsync(server);
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("entry 'gone.bin'", text, StringComparison.Ordinal);
        Assert.Contains(url.ToString(), text, StringComparison.Ordinal);
        Assert.Contains("404", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Upstream_with_another_length_than_declared_fails_the_entry_naming_the_url()
    {
        await using var upstream = await Upstream.StartAsync();
        var url = new Uri(upstream.BaseUri, "wrong-length/x?size=1000");
        var items = new[] { new ArchiveItem(new ArchiveEntry("w.bin") { Length = 1000 }, EntrySource.FromUrl(Upstreams, url, 1000)) };
        await using var server = await ServeAsync(_ => new ArchiveResult(items, ArchiveFormat.Tar, "x"));
        using var response = await GetAsync(server);
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains(url.ToString(), await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
