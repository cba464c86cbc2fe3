using System.IO.Compression;
using System.Net;
using Formats.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Formats.AspNetCoreTests;

/// <summary>The archive responses middleware admits archives by the bytes of the manifests being answered, not only by their count.</summary>
public sealed class ManifestAdmissionTests
{
    [Fact]
    public async Task Manifests_past_the_bytes_in_flight_get_503_with_retry_after_and_smaller_ones_still_get_in()
    {
        var release = new TaskCompletionSource();
        var started = new TaskCompletionSource();
        var big = string.Concat(Enumerable.Range(0, 20).Select(i => $"- 4 /files/slow.bin slow{i:D2}.txt\n")); // 620 bytes
        await using var server = await Server.StartAsync(app =>
        {
            app.UseArchiveResponses(new ArchiveResponseOptions { MaxManifestBytesInFlight = 1000, ReadAheadDepth = 0 });
            app.MapGet("/files/slow.bin", async (HttpContext context) =>
            {
                started.TrySetResult();
                await release.Task.WaitAsync(TimeSpan.FromSeconds(30));
                await context.Response.WriteAsync("late");
            });
            app.MapGet("/files/quick.bin", () => "now!");
            app.MapGet("/big", (HttpContext context) =>
            {
                context.Response.Headers[ArchiveResponseHeaders.Files] = "zip";
                return context.Response.WriteAsync(big);
            });
            app.MapGet("/small", (HttpContext context) =>
            {
                context.Response.Headers[ArchiveResponseHeaders.Files] = "zip";
                return context.Response.WriteAsync("- 4 /files/quick.bin quick.txt\n");
            });
        });
        using var client = new HttpClient { BaseAddress = server.BaseUri, Timeout = TimeSpan.FromSeconds(60) };

        // 620 bytes in flight: another 620 would pass 1000, 31 would not.
        var first = client.GetAsync("big");
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        using (var second = await client.GetAsync("big"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, second.StatusCode);
            Assert.Equal("1", second.Headers.RetryAfter?.ToString());
            Assert.Contains("1000 (the limit)", await second.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var small = await client.GetAsync("small"))
        {
            Assert.Equal(HttpStatusCode.OK, small.StatusCode);
            using var zip = new ZipArchive(new MemoryStream(await small.Content.ReadAsByteArrayAsync()));
            Assert.Equal("quick.txt", zip.Entries.Single().FullName);
        }

        release.SetResult();
        using (var done = await first)
        {
            Assert.Equal(HttpStatusCode.OK, done.StatusCode);
            using var zip = new ZipArchive(new MemoryStream(await done.Content.ReadAsByteArrayAsync()));
            Assert.Equal(20, zip.Entries.Count);
        }

        // Its bytes counted out again: the same manifest gets in.
        using var again = await client.GetAsync("big");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }
}
