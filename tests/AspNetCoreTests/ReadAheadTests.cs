using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using Formats.AspNetCore;
using Formats.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Formats.AspNetCoreTests;

/// <summary>Read-ahead hides per-request latency: counted as overlapping upstream requests, never asserted as time.</summary>
public sealed class ReadAheadTests(ITestOutputHelper output)
{
    private static readonly HttpClient Upstreams = new();

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    public async Task Hundred_members_behind_50ms_upstream_latency_overlap_their_requests_with_read_ahead(int depth)
    {
        await using var upstream = await Upstream.StartAsync(delayMilliseconds: 50);
        var items = Enumerable.Range(0, 100).Select(i => new ArchiveItem(
            new ArchiveEntry($"m{i:D3}.bin") { Length = 1024 },
            EntrySource.FromUrl(Upstreams, upstream.File($"m{i}", 1024, i), 1024))).ToList();
        await using var server = await Server.StartAsync(app => app.MapGet("/download", () => new ArchiveResult(items, ArchiveFormat.Zip, "x") { ReadAheadDepth = depth }));
        using var client = new HttpClient();
        var clock = Stopwatch.StartNew();
        using var response = await client.GetAsync(new Uri(server.BaseUri, "download"));
        var body = await response.Content.ReadAsByteArrayAsync();
        clock.Stop();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var zip = new ZipArchive(new MemoryStream(body));
        Assert.Equal(100, zip.Entries.Count);
        using (var last = zip.Entries[99].Open())
        {
            var ms = new MemoryStream();
            last.CopyTo(ms);
            Assert.Equal(SyntheticStream.Bytes(1024, 99, compressible: false), ms.ToArray());
        }

        output.WriteLine($"read-ahead depth {depth}: {clock.ElapsedMilliseconds} ms for 100 members at 50 ms each; at most {upstream.MaxInFlight} upstream requests at once");
        if (depth == 0)
        {
            Assert.Equal(1, upstream.MaxInFlight);
        }
        else
        {
            Assert.InRange(upstream.MaxInFlight, 2, depth + 1);
        }
    }
}
