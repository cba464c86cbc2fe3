using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Formats.AspNetCore;
using Formats.Cli;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Formats.AspNetCoreTests;

/// <summary>What the gateway does besides archives: pages passed through, health and metrics, many downloads at once.</summary>
public sealed partial class GatewayTests
{
    [Fact]
    public async Task Plain_pages_pass_through_byte_for_byte_with_their_own_validators()
    {
        using var direct = new HttpClient { BaseAddress = fixture.Django.BaseUri };
        using var client = await fixture.ClientAsync(login: false);
        Assert.Equal(await direct.GetByteArrayAsync("blob/"), await client.GetByteArrayAsync("blob/"));
        using var page = await client.GetAsync("page/");
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal(await direct.GetStringAsync("page/"), html);
        using var directPage = await direct.GetAsync("page/");
        Assert.Equal(directPage.Content.Headers.ContentType, page.Content.Headers.ContentType);

        // The app's own conditional answer reaches the client: the gateway asks again with the header it hid.
        var etag = page.Headers.ETag;
        Assert.NotNull(etag);
        using var conditional = new HttpRequestMessage(HttpMethod.Get, "page/");
        conditional.Headers.IfNoneMatch.Add(etag);
        using var notModified = await client.SendAsync(conditional);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);

        using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "blob/"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Health_and_metrics_answer_under_the_prefix()
    {
        using var client = await fixture.ClientAsync();
        (await client.GetAsync("archive/tar/")).EnsureSuccessStatusCode();
        Assert.Equal("Healthy", await client.GetStringAsync("_formats/healthz"));

        // The exporter caches a scrape briefly: ask until the archive shows, within 10 s.
        string metrics = "";
        for (var i = 0; i < 50 && !metrics.Contains("formats_archives_completed", StringComparison.Ordinal); i++)
        {
            metrics = await client.GetStringAsync("_formats/metrics");
            await Task.Delay(200);
        }

        Assert.Contains("formats_archives_started_total{", metrics, StringComparison.Ordinal);
        Assert.Contains("formats_archives_completed_total{", metrics, StringComparison.Ordinal);
        Assert.Contains("format=\"tar\"", metrics, StringComparison.Ordinal);
        Assert.Contains("formats_archive_bytes_sent", metrics, StringComparison.Ordinal);
        Assert.Contains("formats_archives_in_flight", metrics, StringComparison.Ordinal);
        Assert.Contains("formats_member_fetch_duration_seconds_bucket", metrics, StringComparison.Ordinal);
        Assert.Contains("le=\"0.25\"", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sixty_four_concurrent_downloads_all_complete_and_are_identical()
    {
        using var client = await fixture.ClientAsync();
        var reference = await client.GetByteArrayAsync("archive/zip/");
        var downloads = Enumerable.Range(0, 64).Select(_ => client.GetByteArrayAsync("archive/zip/"));
        var all = await Task.WhenAll(downloads).WaitAsync(TimeSpan.FromMinutes(3));
        Assert.All(all, body => Assert.Equal(reference, body));
    }
}
