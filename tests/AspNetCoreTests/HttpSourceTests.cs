using System.Net.Http.Headers;
using System.Net;
using Formats.AspNetCore;
using Formats.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Formats.AspNetCoreTests;

/// <summary>EntrySource.FromUrl against misbehaving loopback upstreams: wrong ranges, trickles, redirects, passwords, User-Agent.</summary>
public sealed class HttpSourceTests
{
    private static readonly HttpClient Upstreams = new();

    private static async Task<byte[]> ReadAllAsync(EntrySource source, long offset = 0)
    {
        await using var stream = await source.OpenAsync(offset, CancellationToken.None);
        var ms = new MemoryStream();
        await stream.CopyToAsync(ms);
        return ms.ToArray();
    }

    private static async Task<ArchiveException> FailAsync(string name, EntrySource source, long length)
    {
        await using var zip = new Formats.Zip.ZipArchiveWriter(new AsyncOnlyStream());
        return await Assert.ThrowsAsync<ArchiveException>(async () => await zip.AddEntryAsync(new ArchiveEntry(name) { Length = length }, source));
    }

    [Fact]
    public async Task Requests_carry_a_formats_user_agent_unless_the_client_sets_one()
    {
        await using var upstream = await Upstream.StartAsync();
        await ReadAllAsync(EntrySource.FromUrl(Upstreams, upstream.File("a", 10), 10));
        using var own = new HttpClient();
        own.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("mine", "2.0"));
        await ReadAllAsync(EntrySource.FromUrl(own, upstream.File("b", 10), 10));
        Assert.Equal(2, upstream.UserAgents.Count);
        Assert.Matches(@"^formats/\d+(\.\d+)*", upstream.UserAgents.First());
        Assert.Equal("mine/2.0", upstream.UserAgents.Last());
    }

    [Fact]
    public async Task Range_answer_from_the_wrong_offset_fails_the_entry_naming_the_url()
    {
        await using var upstream = await Upstream.StartAsync();
        var url = new Uri(upstream.BaseUri, "wrong-offset/x?size=10000");
        var source = EntrySource.FromUrl(Upstreams, url, 10_000);
        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => ReadAllAsync(source, offset: 5000));
        Assert.Contains(url.ToString(), ex.Message, StringComparison.Ordinal);
        Assert.Contains("starts at byte 0, but byte 5000 was asked for", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Archive_range_over_an_upstream_answering_the_wrong_offset_gives_502_naming_the_entry_and_url()
    {
        await using var upstream = await Upstream.StartAsync();
        var url = new Uri(upstream.BaseUri, "wrong-offset/x?size=10000");
        var items = new[] { new ArchiveItem(new ArchiveEntry("big.bin") { Length = 10_000, LastModified = DateTimeOffset.UnixEpoch }, EntrySource.FromUrl(Upstreams, url, 10_000)) };
        await using var server = await Server.StartAsync(app => app.MapGet("/download", () => new ArchiveResult(items, ArchiveFormat.Tar, "x")));
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server.BaseUri, "download"));
        request.Headers.Range = new RangeHeaderValue(5000, null);
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("entry 'big.bin'", text, StringComparison.Ordinal);
        Assert.Contains(url.ToString(), text, StringComparison.Ordinal);
        Assert.Contains("Content-Range", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Upstream_slower_than_the_minimum_rate_fails_the_entry_after_the_window()
    {
        await using var upstream = await Upstream.StartAsync();
        var url = new Uri(upstream.BaseUri, "trickle/x?size=100000");
        var options = new HttpSourceOptions { MinimumBytesPerSecond = 1000, RateWindow = TimeSpan.FromMilliseconds(300), IdleTimeout = TimeSpan.FromSeconds(10) };
        var ex = await FailAsync("slow.bin", EntrySource.FromUrl(Upstreams, url, 100_000, options), 100_000);
        Assert.Equal("slow.bin", ex.EntryName);
        Assert.Contains(url.ToString(), ex.Message, StringComparison.Ordinal);
        Assert.Contains("slower than the minimum of 1000 bytes/s", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Redirects_are_followed_within_allowed_origins_and_refused_outside_them()
    {
        await using var upstream = await Upstream.StartAsync();
        await using var other = await Upstream.StartAsync();
        using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false });
        var options = new HttpSourceOptions { AllowUrl = u => u.Port == upstream.BaseUri.Port };

        var inside = new Uri(upstream.BaseUri, "redirect?to=" + Uri.EscapeDataString(upstream.File("a", 100, 3).ToString()));
        Assert.Equal(SyntheticStream.Bytes(100, 3, compressible: false), await ReadAllAsync(EntrySource.FromUrl(client, inside, 100, options)));

        var outside = new Uri(upstream.BaseUri, "redirect?to=" + Uri.EscapeDataString(other.File("b", 100).ToString()));
        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => ReadAllAsync(EntrySource.FromUrl(client, outside, 100, options)));
        Assert.Contains("is not in an allowed origin", ex.Message, StringComparison.Ordinal);
        Assert.Empty(other.Requests);

        Assert.Throws<ArgumentException>(() => EntrySource.FromUrl(client, other.File("c", 1), 1, options));
    }

    [Fact]
    public async Task Redirects_stop_after_the_limit()
    {
        await using var upstream = await Upstream.StartAsync();
        using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false });
        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => ReadAllAsync(EntrySource.FromUrl(client, new Uri(upstream.BaseUri, "loop/0"), null, new HttpSourceOptions { MaxRedirects = 5 })));
        Assert.Contains("more than 5 redirects", ex.Message, StringComparison.Ordinal);
        Assert.Equal(6, upstream.Requests.Count);
    }

    [Fact]
    public async Task Password_in_a_url_never_appears_in_errors()
    {
        await using var upstream = await Upstream.StartAsync();
        var url = new UriBuilder(new Uri(upstream.BaseUri, "missing/thing")) { UserName = "user", Password = "hunter2" }.Uri;
        var items = new[] { new ArchiveItem(new ArchiveEntry("gone.bin") { Length = 10 }, EntrySource.FromUrl(Upstreams, url, 10)) };
        await using var server = await Server.StartAsync(app => app.MapGet("/download", () => new ArchiveResult(items, ArchiveFormat.Zip, "x")));
        using var client = new HttpClient();
        using var response = await client.GetAsync(new Uri(server.BaseUri, "download"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("missing/thing", text, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", text, StringComparison.Ordinal);

        var refused = Assert.Throws<FormatException>(() => ArchiveManifest.Parse("- 1 ftp://user:hunter2@127.0.0.1/x a.bin\n", Upstreams));
        Assert.DoesNotContain("hunter2", refused.Message, StringComparison.Ordinal);
        var closed = await Assert.ThrowsAsync<HttpRequestException>(() => ReadAllAsync(EntrySource.FromUrl(Upstreams, new Uri("http://user:hunter2@127.0.0.1:1/x"), 1)));
        Assert.DoesNotContain("hunter2", closed.Message, StringComparison.Ordinal);
    }
}
