using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using Formats.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Formats.AspNetCoreTests;

/// <summary>
/// A member whose connection fails after its first bytes: the real gateway in front of an app (a second Kestrel) that
/// sends part of a member and then aborts the connection once, as an upstream closing an idle connection does. With a
/// strong ETag and Accept-Ranges the gateway asks for the rest with Range and If-Range and the archive is whole; without
/// them, or when the content changed, the download fails as before.
/// </summary>
public sealed class MemberResumeTests
{
    private const int Size = 512 * 1024;

    private static readonly byte[] Content = [.. Enumerable.Range(0, Size).Select(i => (byte)(i * 7 + (i >> 9)))];

    private sealed class App
    {
        /// <summary>Each member request: its Range and If-Range (null when absent).</summary>
        public ConcurrentQueue<(string? Range, string? IfRange)> Requests { get; } = new();

        private int _served;

        /// <summary>mode: "etag" (validators, Accept-Ranges), "none" (neither), "changed" (the ETag changes after the first response).</summary>
        public async Task ServeAsync(HttpContext context, string mode)
        {
            var request = context.Request;
            var range = request.Headers.Range.FirstOrDefault();
            var ifRange = request.Headers.IfRange.FirstOrDefault();
            Requests.Enqueue((range, ifRange));
            var first = Interlocked.Increment(ref _served) == 1;
            var etag = mode == "changed" && !first ? "\"v2\"" : "\"v1\"";
            if (mode != "none")
            {
                context.Response.Headers.ETag = etag;
                context.Response.Headers.AcceptRanges = "bytes";
            }

            var from = 0;
            if (mode != "none" && range is { } r && r.StartsWith("bytes=", StringComparison.Ordinal) && r.EndsWith('-') && (ifRange is null || ifRange == etag))
            {
                from = int.Parse(r["bytes=".Length..^1], System.Globalization.CultureInfo.InvariantCulture);
                context.Response.StatusCode = StatusCodes.Status206PartialContent;
                context.Response.Headers.ContentRange = $"bytes {from}-{Size - 1}/{Size}";
            }

            context.Response.ContentLength = Size - from;
            if (first)
            {
                // Part of the member, then the connection goes, once.
                await context.Response.Body.WriteAsync(Content.AsMemory(0, Size / 4), context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                context.Abort();
                return;
            }

            await context.Response.Body.WriteAsync(Content.AsMemory(from), context.RequestAborted);
        }
    }

    private static async Task<(AppGateway Gateway, App App)> StartAsync(string mode)
    {
        var app = new App();
        var gateway = await AppGateway.StartAsync(web =>
        {
            web.MapGet("/archive/", (HttpContext context) =>
            {
                context.Response.Headers["X-Archive-Files"] = "zip";
                return Results.Text($"- 5 /small a.txt\n- {Size} /member big.bin\n");
            });
            web.MapGet("/small", () => Results.Text("small"));
            web.MapGet("/member", context => app.ServeAsync(context, mode));
        }, origin => new ArchiveResponseOptions { MemberOrigin = origin });
        return (gateway, app);
    }

    [Fact]
    public async Task A_member_whose_connection_fails_is_resumed_with_range_and_if_range_and_the_archive_is_whole()
    {
        var (gateway, app) = await StartAsync("etag");
        await using var _ = gateway;
        using var client = gateway.Client();

        var body = await client.GetByteArrayAsync(new Uri("archive/", UriKind.Relative), TestContext.Current.CancellationToken);

        using var zip = new ZipArchive(new MemoryStream(body));
        using var member = new MemoryStream();
        await zip.GetEntry("big.bin")!.Open().CopyToAsync(member, TestContext.Current.CancellationToken);
        Assert.Equal(Content, member.ToArray());
        var requests = app.Requests.ToArray();
        Assert.Equal(2, requests.Length);
        Assert.Equal((null, null), requests[0]);
        Assert.StartsWith("bytes=", requests[1].Range, StringComparison.Ordinal);
        Assert.Equal("\"v1\"", requests[1].IfRange);
    }

    [Fact]
    public async Task A_member_without_validators_or_accept_ranges_fails_the_download_as_before()
    {
        var (gateway, app) = await StartAsync("none");
        await using var _ = gateway;
        using var client = gateway.Client();

        await Assert.ThrowsAnyAsync<HttpRequestException>(() => client.GetByteArrayAsync(new Uri("archive/", UriKind.Relative), TestContext.Current.CancellationToken));

        Assert.Equal([(null, null)], app.Requests.ToArray());
    }

    [Fact]
    public async Task A_member_whose_validator_changed_fails_the_download_instead_of_splicing_two_versions()
    {
        var (gateway, app) = await StartAsync("changed");
        await using var _ = gateway;
        using var client = gateway.Client();

        await Assert.ThrowsAnyAsync<HttpRequestException>(() => client.GetByteArrayAsync(new Uri("archive/", UriKind.Relative), TestContext.Current.CancellationToken));

        // The resume was asked for, and its 200 (If-Range did not match) ended the member: no third request.
        var requests = app.Requests.ToArray();
        Assert.Equal(2, requests.Length);
        Assert.Equal("\"v1\"", requests[1].IfRange);
    }
}
