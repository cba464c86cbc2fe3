using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Formats.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Formats.AspNetCoreTests;

/// <summary><c>app.UseArchiveResponses()</c> in an app's own pipeline: its endpoints answer with manifests of its own files.</summary>
public sealed class ArchiveResponseTests
{
    private static readonly byte[] Big = Enumerable.Range(0, 200_000).Select(i => (byte)(i * 7)).ToArray();

    private static async Task<Server> StartAsync(ArchiveResponseOptions? options = null, Func<HttpContext, Task>? slow = null) =>
        await Server.StartAsync(app =>
        {
            // Before routing, so that a HEAD reaches GET-only endpoints as the GET it is turned into.
            app.UseArchiveResponses(options ?? new ArchiveResponseOptions());
            app.UseRouting();
            app.MapMethods("/files/big.bin", ["GET", "HEAD"], () => Results.Bytes(Big, "application/octet-stream", enableRangeProcessing: true));
            app.MapGet("/files/slow.bin", slow ?? (context => context.Response.WriteAsync("late")));
            app.MapGet("/archive", (HttpContext context) =>
            {
                context.Response.Headers[ArchiveResponseHeaders.Files] = context.Request.Query["format"].ToString() is { Length: > 0 } f ? f : "zip";
                return context.Response.WriteAsync($"- {Big.Length} /files/big.bin data/big.bin\n{{\"name\": \"data/json.bin\", \"url\": \"/files/big.bin\", \"size\": {Big.Length}}}\n0 0 @directory data/empty\n");
            });
            app.MapGet("/gzipped", async (HttpContext context) =>
            {
                context.Response.Headers[ArchiveResponseHeaders.Files] = "tar";
                context.Response.Headers.ContentEncoding = "gzip";
                using var gzip = new MemoryStream();
                await using (var z = new GZipStream(gzip, CompressionLevel.Fastest, leaveOpen: true))
                {
                    await z.WriteAsync(Encoding.UTF8.GetBytes($"- {Big.Length} /files/big.bin big.bin\n"));
                }

                await context.Response.Body.WriteAsync(gzip.ToArray());
            });
            app.MapGet("/large-manifest", (HttpContext context) =>
            {
                context.Response.Headers[ArchiveResponseHeaders.Files] = "zip";
                return context.Response.WriteAsync(string.Concat(Enumerable.Range(0, 2000).Select(i => $"- 3 /files/slow.bin f{i}.txt\n")));
            });
            app.MapGet("/slow-archive", (HttpContext context) =>
            {
                context.Response.Headers[ArchiveResponseHeaders.Files] = "zip";
                return context.Response.WriteAsync("- 4 /files/slow.bin slow.txt\n");
            });
        });

    [Fact]
    public async Task An_endpoint_answering_with_a_manifest_gets_an_archive_of_the_apps_own_files()
    {
        await using var server = await StartAsync();
        using var client = new HttpClient { BaseAddress = server.BaseUri };
        using var response = await client.GetAsync("archive");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("attachment; filename=\"archive.zip\"", response.Content.Headers.ContentDisposition?.ToString());
        var body = await response.Content.ReadAsByteArrayAsync();
        using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "archive"));
        Assert.Equal(body.Length, head.Content.Headers.ContentLength);
        Assert.Equal(response.Headers.ETag, head.Headers.ETag);
        using var zip = new ZipArchive(new MemoryStream(body));
        Assert.Equal(["data/big.bin", "data/json.bin", "data/empty/"], zip.Entries.Select(e => e.FullName));
        foreach (var entry in zip.Entries.Take(2))
        {
            using var data = entry.Open();
            var copy = new MemoryStream();
            await data.CopyToAsync(copy);
            Assert.Equal(Big, copy.ToArray());
        }
    }

    [Fact]
    public async Task A_range_request_for_a_plain_file_is_answered_by_the_app_itself()
    {
        await using var server = await StartAsync();
        using var client = new HttpClient { BaseAddress = server.BaseUri };
        using var request = new HttpRequestMessage(HttpMethod.Get, "files/big.bin");
        request.Headers.Range = new RangeHeaderValue(1000, 1999);
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal(Big[1000..2000], await response.Content.ReadAsByteArrayAsync());

        using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "files/big.bin"));
        Assert.Equal(Big.Length, head.Content.Headers.ContentLength);
    }

    [Fact]
    public async Task A_gzip_encoded_manifest_is_read_decoded()
    {
        await using var server = await StartAsync();
        using var client = new HttpClient { BaseAddress = server.BaseUri };
        using var response = await client.GetAsync("gzipped");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var tar = new System.Formats.Tar.TarReader(new MemoryStream(await response.Content.ReadAsByteArrayAsync()));
        var entry = await tar.GetNextEntryAsync();
        Assert.Equal("big.bin", entry?.Name);
        var copy = new MemoryStream();
        await entry!.DataStream!.CopyToAsync(copy);
        Assert.Equal(Big, copy.ToArray());
    }

    [Theory]
    [InlineData("bogus", "'bogus' is not zip, tar, tar.gz or tar.zst")]
    public async Task An_unknown_format_is_a_502_naming_it(string format, string message)
    {
        await using var server = await StartAsync();
        using var client = new HttpClient { BaseAddress = server.BaseUri };
        using var response = await client.GetAsync($"archive?format={format}");
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains(message, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Manifests_beyond_the_byte_and_member_limits_are_502s_naming_the_limit()
    {
        await using (var server = await StartAsync(new ArchiveResponseOptions { MaxManifestBytes = 10_000 }))
        {
            using var client = new HttpClient { BaseAddress = server.BaseUri };
            using var response = await client.GetAsync("large-manifest");
            Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
            Assert.Contains("larger than 10000 bytes (the limit)", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        await using (var server = await StartAsync(new ArchiveResponseOptions { MaxMembers = 100 }))
        {
            using var client = new HttpClient { BaseAddress = server.BaseUri };
            using var response = await client.GetAsync("large-manifest");
            Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
            Assert.Contains("more than 100 members (the limit)", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task One_archive_more_than_the_concurrency_limit_gets_503_with_retry_after()
    {
        var release = new TaskCompletionSource();
        var started = new TaskCompletionSource();
        await using var server = await StartAsync(new ArchiveResponseOptions { MaxConcurrentArchives = 1, ReadAheadDepth = 0 }, async context =>
        {
            started.TrySetResult();
            await release.Task.WaitAsync(TimeSpan.FromSeconds(30));
            await context.Response.WriteAsync("late");
        });
        using var client = new HttpClient { BaseAddress = server.BaseUri, Timeout = TimeSpan.FromSeconds(60) };
        var first = client.GetAsync("slow-archive");
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        using (var second = await client.GetAsync("slow-archive"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, second.StatusCode);
            Assert.Equal("1", second.Headers.RetryAfter?.ToString());
        }

        release.SetResult();
        using var done = await first;
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        using var zip = new ZipArchive(new MemoryStream(await done.Content.ReadAsByteArrayAsync()));
        Assert.Equal("slow.txt", zip.Entries.Single().FullName);
    }
}
