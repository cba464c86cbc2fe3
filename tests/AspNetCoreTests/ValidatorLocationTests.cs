using System.Net;
using System.Net.Http.Headers;
using Formats.AspNetCore;
using Formats.Cli;
using Formats.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Formats.AspNetCoreTests;

/// <summary>
/// Members of the same name, size and time read from different places are different archives: their ETags differ, and
/// an If-Range with the one never resumes the other (it would join bytes of two archives into a zip with a bad CRC).
/// </summary>
public sealed class ValidatorLocationTests
{
    private static readonly DateTimeOffset Time = new(2024, 5, 6, 7, 8, 9, TimeSpan.Zero);

    /// <summary>Two versions of a 1000-byte file, same length and Last-Modified, different bytes.</summary>
    private static byte[] Version(string v) => SyntheticStream.Bytes(1000, v == "v1" ? 1 : 2, compressible: false);

    /// <summary>Asks <paramref name="uri"/> for everything, then the other version's tail with the first one's ETag in If-Range.</summary>
    private static async Task AssertResumeOfOtherIsWholeAsync(HttpClient client, Uri first, Uri second)
    {
        using var one = await client.GetAsync(first);
        using var two = await client.GetAsync(second);
        Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        Assert.Equal(HttpStatusCode.OK, two.StatusCode);
        var secondBytes = await two.Content.ReadAsByteArrayAsync();
        Assert.Equal((await one.Content.ReadAsByteArrayAsync()).Length, secondBytes.Length);
        Assert.False(one.Headers.ETag!.IsWeak);
        Assert.NotEqual(one.Headers.ETag, two.Headers.ETag);

        using var resume = new HttpRequestMessage(HttpMethod.Get, second);
        resume.Headers.Range = new RangeHeaderValue(100, null);
        resume.Headers.IfRange = new RangeConditionHeaderValue(one.Headers.ETag!);
        using var resumed = await client.SendAsync(resume);
        Assert.Equal(HttpStatusCode.OK, resumed.StatusCode);
        Assert.Equal(secondBytes, await resumed.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Gateway_manifests_that_differ_only_in_a_members_location_get_different_etags_and_no_cross_resume()
    {
        await using var gateway = await AppGateway.StartAsync(app =>
        {
            app.MapGet("/archive/{v}", (HttpContext context, string v) =>
            {
                context.Response.Headers[ArchiveResponseHeaders.Files] = "zip";
                context.Response.GetTypedHeaders().LastModified = Time;
                return context.Response.WriteAsync($"- 1000 /file/{v} report.bin\n");
            });
            app.MapGet("/file/{v}", (HttpContext context, string v) =>
            {
                context.Response.GetTypedHeaders().LastModified = Time;
                return Results.Bytes(Version(v), "application/octet-stream");
            });
        });
        using var client = gateway.Client();
        await AssertResumeOfOtherIsWholeAsync(client, new Uri(gateway.BaseUri, "archive/v1"), new Uri(gateway.BaseUri, "archive/v2"));
    }

    [Fact]
    public async Task ArchiveResult_of_urls_that_differ_only_in_location_gets_different_etags_and_no_cross_resume()
    {
        await using var upstream = await Upstream.StartAsync();
        using var http = new HttpClient();
        await using var server = await Server.StartAsync(app => app.MapGet("/download/{v}", (string v) => new ArchiveResult(
            [new ArchiveItem(new ArchiveEntry("report.bin") { Length = 1000, LastModified = Time }, EntrySource.FromUrl(http, upstream.File("report.bin", 1000, v == "v1" ? 1 : 2), 1000))],
            ArchiveFormat.Zip,
            "report")));
        using var client = new HttpClient();
        await AssertResumeOfOtherIsWholeAsync(client, new Uri(server.BaseUri, "download/v1"), new Uri(server.BaseUri, "download/v2"));
    }

    [Fact]
    public async Task Serve_of_a_name_whose_link_now_leads_to_another_file_of_the_same_size_and_time_gets_another_etag()
    {
        var root = Directory.CreateTempSubdirectory("formats-location-").FullName;
        try
        {
            foreach (var v in new[] { "v1", "v2" })
            {
                Directory.CreateDirectory(Path.Combine(root, v));
                var file = Path.Combine(root, v, "report.bin");
                await File.WriteAllBytesAsync(file, Version(v));
                File.SetLastWriteTimeUtc(file, Time.UtcDateTime);
            }

            var link = Path.Combine(root, "report.bin");
            await using var app = ServeCommand.Build(root, "http://127.0.0.1:0");
            await app.StartAsync();
            using var client = new HttpClient();
            var uri = new Uri(app.Urls.First() + "/download?format=zip&file=report.bin");

            File.CreateSymbolicLink(link, Path.Combine("v1", "report.bin"));
            using var one = await client.GetAsync(uri);
            var first = await one.Content.ReadAsByteArrayAsync();
            File.Delete(link);
            File.CreateSymbolicLink(link, Path.Combine("v2", "report.bin"));

            using var resume = new HttpRequestMessage(HttpMethod.Get, uri);
            resume.Headers.Range = new RangeHeaderValue(100, null);
            resume.Headers.IfRange = new RangeConditionHeaderValue(one.Headers.ETag!);
            using var resumed = await client.SendAsync(resume);
            Assert.Equal(HttpStatusCode.OK, resumed.StatusCode);
            Assert.NotEqual(one.Headers.ETag, resumed.Headers.ETag);
            var second = await resumed.Content.ReadAsByteArrayAsync();
            Assert.Equal(first.Length, second.Length);
            Assert.NotEqual(first, second);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
