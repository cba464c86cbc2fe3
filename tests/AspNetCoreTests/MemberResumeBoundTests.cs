using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Formats.AspNetCoreTests;

/// <summary>
/// The bounds of member resumes (docs/gateway.md, "Members whose connection fails"), with <c>formats gateway</c> started
/// from its command line in front of an app (a second Kestrel) whose member connections fail after some bytes: more
/// cuts than <c>--member-resumes</c> allows fail the download (aborted after its first bytes, never a complete-looking
/// archive), <c>--member-resumes 0</c> asks once, and a member with Last-Modified but no ETag is resumed with
/// <c>If-Range: &lt;that date&gt;</c>.
/// </summary>
public sealed class MemberResumeBoundTests
{
    private const int Size = 2 * 1024 * 1024;

    /// <summary>What a response sends before its connection goes: more than the 128 KiB the gateway holds back, so the archive's headers are out by then.</summary>
    private const int Piece = 384 * 1024;

    private const string LastModified = "Wed, 15 Nov 1995 04:58:08 GMT";

    private static readonly byte[] Content = [.. Enumerable.Range(0, Size).Select(i => (byte)(i * 11 + (i >> 10)))];

    /// <summary>An app whose member is cut after <see cref="Piece"/> bytes of each response, the first <c>cuts</c> times.</summary>
    private sealed class App(int cuts, bool etag)
    {
        private int _served;

        /// <summary>Each member request: its Range and If-Range (null when absent).</summary>
        public ConcurrentQueue<(string? Range, string? IfRange)> Requests { get; } = new();

        public async Task ServeAsync(HttpContext context)
        {
            var range = context.Request.Headers.Range.FirstOrDefault();
            var ifRange = context.Request.Headers.IfRange.FirstOrDefault();
            Requests.Enqueue((range, ifRange));
            var validator = etag ? "\"v1\"" : LastModified;
            if (etag)
            {
                context.Response.Headers.ETag = validator;
            }
            else
            {
                context.Response.Headers.LastModified = LastModified;
            }

            context.Response.Headers.AcceptRanges = "bytes";
            var from = 0;
            if (range is { } r && r.StartsWith("bytes=", StringComparison.Ordinal) && r.EndsWith('-') && (ifRange is null || ifRange == validator))
            {
                from = int.Parse(r["bytes=".Length..^1], System.Globalization.CultureInfo.InvariantCulture);
                context.Response.StatusCode = StatusCodes.Status206PartialContent;
                context.Response.Headers.ContentRange = $"bytes {from}-{Size - 1}/{Size}";
            }

            context.Response.ContentLength = Size - from;
            if (Interlocked.Increment(ref _served) <= cuts)
            {
                await context.Response.Body.WriteAsync(Content.AsMemory(from, Math.Min(Piece, Size - from)), context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);

                // A moment for the bytes to be read before the reset (which may drop what is still unread).
                await Task.Delay(100, context.RequestAborted);
                context.Abort();
                return;
            }

            await context.Response.Body.WriteAsync(Content.AsMemory(from), context.RequestAborted);
        }
    }

    private static async Task<(Server Upstream, CliGateway Gateway)> StartAsync(App app, params string[] options)
    {
        var upstream = await Server.StartAsync(web =>
        {
            web.MapGet("/archive/", (HttpContext context) =>
            {
                context.Response.Headers["X-Archive-Files"] = "zip";
                return Results.Text($"- 5 /small a.txt\n- {Size} /member big.bin\n");
            });
            web.MapGet("/small", () => Results.Text("small"));
            web.MapGet("/member", app.ServeAsync);
        });
        return (upstream, await CliGateway.StartAsync(upstream.BaseUri, options));
    }

    /// <summary>
    /// The archive's answer: a 200 with its length whose body then breaks off (the connection aborted); or, where
    /// <paramref name="orBadGateway"/>, a 502 when the member failed while the gateway still held back the first bytes.
    /// </summary>
    private static async Task AssertFailedAsync(CliGateway gateway, bool orBadGateway = false)
    {
        using var client = gateway.Client();
        using var response = await client.GetAsync(new Uri("archive/", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        if (orBadGateway && response.StatusCode == HttpStatusCode.BadGateway)
        {
            return;
        }

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull(response.Content.Headers.ContentLength);
        await using var body = await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken);
        await Assert.ThrowsAnyAsync<IOException>(() => body.CopyToAsync(Stream.Null, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_member_cut_more_times_than_member_resumes_allows_aborts_the_download()
    {
        var app = new App(cuts: 3, etag: true);
        var (upstream, gateway) = await StartAsync(app, "--member-resumes", "2");
        await using var _ = upstream;
        await using var __ = gateway;

        await AssertFailedAsync(gateway);

        // The first request and two resumes, each from the byte reached (what the reset let through), with If-Range;
        // the third cut ends the member.
        var requests = app.Requests.ToArray();
        Assert.Equal(3, requests.Length);
        Assert.Equal((null, null), requests[0]);
        Assert.All(requests[1..], r => Assert.Equal("\"v1\"", r.IfRange));
        var offsets = requests[1..].Select(r => Offset(r.Range)).ToArray();
        Assert.True(0 < offsets[0] && offsets[0] < offsets[1] && offsets[1] < Size, string.Join(", ", offsets));
    }

    [Fact]
    public async Task Member_resumes_0_turns_resumes_off()
    {
        var app = new App(cuts: 1, etag: true);
        var (upstream, gateway) = await StartAsync(app, "--member-resumes", "0");
        await using var _ = upstream;
        await using var __ = gateway;

        // The member fails at its first cut: before the held-back bytes went (502) or after (aborted), by timing.
        await AssertFailedAsync(gateway, orBadGateway: true);

        Assert.Equal([(null, null)], app.Requests.ToArray());
    }

    [Fact]
    public async Task A_member_with_last_modified_but_no_etag_is_resumed_with_if_range_set_to_that_date()
    {
        var app = new App(cuts: 1, etag: false);
        var (upstream, gateway) = await StartAsync(app);
        await using var _ = upstream;
        await using var __ = gateway;
        using var client = gateway.Client();

        var body = await client.GetByteArrayAsync(new Uri("archive/", UriKind.Relative), TestContext.Current.CancellationToken);

        using var zip = new ZipArchive(new MemoryStream(body));
        using var member = new MemoryStream();
        await using (var entry = await zip.GetEntry("big.bin")!.OpenAsync(TestContext.Current.CancellationToken))
        {
            await entry.CopyToAsync(member, TestContext.Current.CancellationToken);
        }

        Assert.Equal(Content, member.ToArray());
        var requests = app.Requests.ToArray();
        Assert.Equal(2, requests.Length);
        Assert.Equal((null, null), requests[0]);
        Assert.Equal(LastModified, requests[1].IfRange);
        Assert.InRange(Offset(requests[1].Range), 1, Piece);
    }

    /// <summary>N of a <c>bytes=N-</c> resume.</summary>
    private static int Offset(string? range)
    {
        Assert.NotNull(range);
        Assert.Matches("^bytes=[0-9]+-$", range);
        return int.Parse(range["bytes=".Length..^1], System.Globalization.CultureInfo.InvariantCulture);
    }
}
