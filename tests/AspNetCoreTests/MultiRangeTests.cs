using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using Formats.AspNetCore;
using Formats.Cli;
using Formats.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace Formats.AspNetCoreTests;

/// <summary>
/// Several byte ranges in one request (RFC 9110 §14.6) on real Kestrel: <c>ArchiveResult</c> over a real upstream,
/// <c>formats gateway</c> in front of an app, and <c>formats serve</c>. The multipart body is parsed here and each part
/// compared with the whole archive's bytes.
/// </summary>
public sealed class MultiRangeTests
{
    private const int Members = 8;
    private const int MemberBytes = 64 * 1024;

    /// <summary>Where member <paramref name="i"/>'s content starts in the tar: a 512-byte ustar header before each, no padding (64 KiB is a multiple of 512).</summary>
    private static long ContentStart(int i) => (i * (512L + MemberBytes)) + 512;

    private static readonly HttpClient Upstreams = new();

    [Theory]
    [InlineData("result")]
    [InlineData("gateway")]
    [InlineData("serve")]
    public async Task Two_ranges_get_a_multipart_answer_whose_parts_are_the_archive_bytes(string host)
    {
        await using var server = await Host.StartAsync(host);
        var (whole, etag) = await WholeAsync(server);

        using var response = await RangesAsync(server, "bytes=0-9,20-29");
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal("multipart/byteranges", response.Content.Headers.ContentType?.MediaType);
        Assert.Null(response.Content.Headers.ContentRange);
        Assert.Equal(body.Length, response.Content.Headers.ContentLength);
        Assert.Equal(etag, response.Headers.ETag);
        var parts = await PartsAsync(response, body);
        Assert.Equal([(0L, 9L), (20L, 29L)], parts.Select(p => (p.From, p.To)));
        foreach (var part in parts)
        {
            Assert.Equal("application/x-tar", part.ContentType);
            Assert.Equal(whole.Length, part.Length);
            Assert.Equal(whole[(int)part.From..(int)(part.To + 1)], part.Bytes);
        }

        // The same request gets the same bytes (the boundary comes from the ETag, not the clock), and HEAD the same headers.
        using var again = await RangesAsync(server, "bytes=0-9,20-29");
        Assert.Equal(body, await again.Content.ReadAsByteArrayAsync());
        using var head = await RangesAsync(server, "bytes=0-9,20-29", HttpMethod.Head);
        Assert.Equal(HttpStatusCode.PartialContent, head.StatusCode);
        Assert.Equal(response.Content.Headers.ContentType, head.Content.Headers.ContentType);
        Assert.Equal(body.Length, head.Content.Headers.ContentLength);

        // Parts go in the request's order, not the archive's; If-Range with the current tag keeps the ranges, a stale one gets the whole.
        using var reversed = await RangesAsync(server, $"bytes={whole.Length - 50}-,100-199", ifRange: etag);
        var reversedParts = await PartsAsync(reversed, await reversed.Content.ReadAsByteArrayAsync());
        Assert.Equal([(whole.Length - 50L, whole.Length - 1L), (100L, 199L)], reversedParts.Select(p => (p.From, p.To)));
        Assert.All(reversedParts, p => Assert.Equal(whole[(int)p.From..(int)(p.To + 1)], p.Bytes));
        using var stale = await RangesAsync(server, "bytes=0-9,20-29", ifRange: new EntityTagHeaderValue("\"stale\""));
        Assert.Equal(HttpStatusCode.OK, stale.StatusCode);
        Assert.Equal(whole, await stale.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("result")]
    [InlineData("gateway")]
    [InlineData("serve")]
    public async Task Overlapping_or_too_many_ranges_get_the_whole_archive_and_unsatisfiable_ones_are_dropped(string host)
    {
        await using var server = await Host.StartAsync(host);
        var (whole, _) = await WholeAsync(server);
        var total = whole.Length;

        foreach (var abuse in new[]
        {
            "bytes=0-99,50-149",                                                    // overlapping
            "bytes=1000-1999,0-,5000-5009",                                         // one range covers another
            "bytes=" + string.Join(",", Enumerable.Range(0, 17).Select(i => $"{i * 100}-{(i * 100) + 9}")), // 17 ranges: one over the cap
        })
        {
            using var response = await RangesAsync(server, abuse);
            Assert.True(response.StatusCode == HttpStatusCode.OK, abuse);
            Assert.Equal(whole, await response.Content.ReadAsByteArrayAsync());
        }

        // Sixteen ranges, the cap, are answered part by part.
        using var sixteen = await RangesAsync(server, "bytes=" + string.Join(",", Enumerable.Range(0, 16).Select(i => $"{i * 100}-{(i * 100) + 9}")));
        Assert.Equal(HttpStatusCode.PartialContent, sixteen.StatusCode);
        Assert.Equal(16, (await PartsAsync(sixteen, await sixteen.Content.ReadAsByteArrayAsync())).Count);

        // Unsatisfiable ranges among satisfiable ones are dropped: two left stay multipart, one left is a plain 206.
        using var mixed = await RangesAsync(server, $"bytes=0-9,{total}-{total + 10},20-29");
        var mixedParts = await PartsAsync(mixed, await mixed.Content.ReadAsByteArrayAsync());
        Assert.Equal([(0L, 9L), (20L, 29L)], mixedParts.Select(p => (p.From, p.To)));
        using var single = await RangesAsync(server, $"bytes={total + 5}-,10-19");
        Assert.Equal(HttpStatusCode.PartialContent, single.StatusCode);
        Assert.Equal($"bytes 10-19/{total}", single.Content.Headers.ContentRange?.ToString());
        Assert.Equal(whole[10..20], await single.Content.ReadAsByteArrayAsync());
        using var none = await RangesAsync(server, $"bytes={total}-,{total + 100}-{total + 200}");
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, none.StatusCode);
        Assert.Equal($"bytes */{total}", none.Content.Headers.ContentRange?.ToString());
    }

    [Theory]
    [InlineData("result")]
    [InlineData("gateway")]
    public async Task Parts_fetch_only_the_members_their_bytes_need(string host)
    {
        await using var server = await Host.StartAsync(host);
        var (whole, _) = await WholeAsync(server);
        Assert.Equal(Members, server.Fetched.Count);

        // A part inside the seventh member's content, then one inside the first's: those two members, nothing else.
        server.ClearFetched();
        var late = ContentStart(6) + 100;
        using var response = await RangesAsync(server, $"bytes={late}-{late + 99},600-609");
        var parts = await PartsAsync(response, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal([(late, late + 99), (600L, 609L)], parts.Select(p => (p.From, p.To)));
        Assert.All(parts, p => Assert.Equal(whole[(int)p.From..(int)(p.To + 1)], p.Bytes));

        // Members opened. A ranged member request through the gateway reaches the app twice (first without its Range, in
        // case the answer is a manifest: gateway.md, "What the app sees"), as for a single range.
        var fetched = server.Fetched.Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.True(fetched.SequenceEqual(["/file/m0", "/file/m6"]), $"fetched [{string.Join(", ", fetched)}]");
    }

    private static async Task<(byte[] Whole, EntityTagHeaderValue ETag)> WholeAsync(Host server)
    {
        using var response = await server.Client.GetAsync(server.Path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("bytes", response.Headers.AcceptRanges.Single());
        return (await response.Content.ReadAsByteArrayAsync(), response.Headers.ETag!);
    }

    private static async Task<HttpResponseMessage> RangesAsync(Host server, string range, HttpMethod? method = null, EntityTagHeaderValue? ifRange = null)
    {
        using var request = new HttpRequestMessage(method ?? HttpMethod.Get, server.Path);
        request.Headers.TryAddWithoutValidation("Range", range);
        if (ifRange is not null)
        {
            request.Headers.IfRange = new RangeConditionHeaderValue(ifRange);
        }

        return await server.Client.SendAsync(request);
    }

    internal sealed record Part(string? ContentType, long From, long To, long? Length, byte[] Bytes);

    /// <summary>The parts of a 206 multipart/byteranges body, read with ASP.NET Core's own multipart reader.</summary>
    internal static async Task<List<Part>> PartsAsync(HttpResponseMessage response, byte[] body)
    {
        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        var boundary = Microsoft.Net.Http.Headers.HeaderUtilities.RemoveQuotes(Microsoft.Net.Http.Headers.MediaTypeHeaderValue.Parse(response.Content.Headers.ContentType!.ToString()).Boundary).Value!;
        Assert.False(string.IsNullOrEmpty(boundary));
        var reader = new MultipartReader(boundary, new MemoryStream(body));
        var parts = new List<Part>();
        for (var i = 0; i <= 16; i++)
        {
            if (await reader.ReadNextSectionAsync() is not { } section)
            {
                return parts;
            }

            var range = Microsoft.Net.Http.Headers.ContentRangeHeaderValue.Parse(section.Headers!["Content-Range"].ToString());
            using var bytes = new MemoryStream();
            await section.Body.CopyToAsync(bytes);
            parts.Add(new Part(section.ContentType, range.From!.Value, range.To!.Value, range.Length, bytes.ToArray()));
        }

        Assert.Fail("more parts than ranges");
        return parts;
    }

    /// <summary>A server of a tar of <see cref="Members"/> members, and the member requests it made.</summary>
    private sealed class Host(HttpClient client, string path, Func<List<string>> fetched, Action clear, Func<ValueTask> dispose) : IAsyncDisposable
    {
        public HttpClient Client => client;

        public string Path => path;

        /// <summary>The member paths requested since the last <see cref="ClearFetched"/>.</summary>
        public List<string> Fetched => fetched();

        public void ClearFetched() => clear();

        public static async Task<Host> StartAsync(string kind)
        {
            var fetched = new ConcurrentQueue<string>();
            switch (kind)
            {
                case "result":
                {
                    var upstream = await Upstream.StartAsync();
                    var items = Enumerable.Range(0, Members).Select(i => new ArchiveItem(
                        new ArchiveEntry($"m{i}.bin") { Length = MemberBytes },
                        EntrySource.FromUrl(Upstreams, upstream.File($"m{i}", MemberBytes, i), MemberBytes))).ToList();
                    var server = await Server.StartAsync(app => app.MapMethods("/download", ["GET", "HEAD"], () => new ArchiveResult(items, ArchiveFormat.Tar, "x")));
                    return new Host(new HttpClient { BaseAddress = server.BaseUri }, "download", () => [.. upstream.Requests.Select(r => r.Path)], upstream.Requests.Clear, async () =>
                    {
                        await server.DisposeAsync();
                        await upstream.DisposeAsync();
                    });
                }

                case "gateway":
                {
                    var gateway = await AppGateway.StartAsync(app =>
                    {
                        app.MapGet("/archive", (HttpContext context) =>
                        {
                            context.Response.Headers[ArchiveResponseHeaders.Files] = "tar";
                            return context.Response.WriteAsync(string.Concat(Enumerable.Range(0, Members).Select(i => $"- {MemberBytes} /file/m{i} m{i}.bin\n")));
                        });
                        app.MapGet("/file/{name}", (HttpContext context, string name) =>
                        {
                            fetched.Enqueue(context.Request.Path);
                            return Results.Bytes(SyntheticStream.Bytes(MemberBytes, name[1] - '0', compressible: false), "application/octet-stream", enableRangeProcessing: true);
                        });
                    });
                    return new Host(gateway.Client(), "archive", () => [.. fetched], fetched.Clear, gateway.DisposeAsync);
                }

                default:
                {
                    var root = Directory.CreateTempSubdirectory("formats-multirange-").FullName;
                    for (var i = 0; i < Members; i++)
                    {
                        await File.WriteAllBytesAsync(System.IO.Path.Combine(root, $"m{i}.bin"), SyntheticStream.Bytes(MemberBytes, i, compressible: false));
                    }

                    var app = ServeCommand.Build(root, "http://127.0.0.1:0", new ServeOptions { CrcStore = new MemoryCrcStore() });
                    await app.StartAsync();
                    var files = string.Join("&", Enumerable.Range(0, Members).Select(i => $"file=m{i}.bin"));
                    return new Host(new HttpClient { BaseAddress = new Uri(app.Urls.First() + "/") }, $"download?format=tar&{files}", () => [.. fetched], fetched.Clear, async () =>
                    {
                        await app.StopAsync();
                        await app.DisposeAsync();
                        Directory.Delete(root, recursive: true);
                    });
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            client.Dispose();
            await dispose();
        }
    }
}
