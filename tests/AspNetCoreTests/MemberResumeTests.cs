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

    /// <summary>
    /// An upstream that drops a connection whose write has waited 300 ms for the reader (nginx's send_timeout, shortened),
    /// serving three members of 8 MiB with a strong ETag and Accept-Ranges, answering Range with If-Range.
    /// </summary>
    private sealed class IdleClosingApp
    {
        public const int MemberSize = 8 << 20;

        public static readonly byte[] Member = [.. Enumerable.Range(0, MemberSize).Select(i => (byte)(i * 13 + (i >> 11)))];

        public ConcurrentQueue<(string? Range, string? IfRange)> Requests { get; } = new();

        /// <summary>Completed when the first idle connection was dropped.</summary>
        public TaskCompletionSource Dropped { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Completed when the gateway closed a member's connection itself (a member read ahead with a full buffer lets go of it).</summary>
        public TaskCompletionSource Released { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task ServeAsync(HttpContext context)
        {
            var range = context.Request.Headers.Range.FirstOrDefault();
            var ifRange = context.Request.Headers.IfRange.FirstOrDefault();
            Requests.Enqueue((range, ifRange));
            context.Response.Headers.ETag = "\"m1\"";
            context.Response.Headers.AcceptRanges = "bytes";
            var from = 0;
            if (range is { } r && (ifRange is null || ifRange == "\"m1\""))
            {
                from = int.Parse(r["bytes=".Length..^1], System.Globalization.CultureInfo.InvariantCulture);
                context.Response.StatusCode = StatusCodes.Status206PartialContent;
                context.Response.Headers.ContentRange = $"bytes {from}-{MemberSize - 1}/{MemberSize}";
            }

            context.Response.ContentLength = MemberSize - from;
            for (var at = from; at < MemberSize; at += 64 * 1024)
            {
                using var idle = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
                idle.CancelAfter(TimeSpan.FromMilliseconds(300));
                try
                {
                    await context.Response.Body.WriteAsync(Member.AsMemory(at, Math.Min(64 * 1024, MemberSize - at)), idle.Token);
                    await context.Response.Body.FlushAsync(idle.Token);
                }
                catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
                {
                    context.Abort();
                    Dropped.TrySetResult();
                    return;
                }
                catch (OperationCanceledException)
                {
                    Released.TrySetResult();
                    return;
                }
            }
        }
    }

    [Fact]
    public async Task A_download_paused_longer_than_the_upstream_keeps_idle_connections_completes_whole()
    {
        var app = new IdleClosingApp();
        await using var gateway = await AppGateway.StartAsync(web =>
        {
            web.MapGet("/archive/", (HttpContext context) =>
            {
                context.Response.Headers["X-Archive-Files"] = "zip";
                return Results.Text(string.Concat(Enumerable.Range(1, 3).Select(i => $"- {IdleClosingApp.MemberSize} /member/{i} m{i}.bin\n")));
            });
            web.MapGet("/member/{i}", app.ServeAsync);
        }, origin => new ArchiveResponseOptions { MemberOrigin = origin, ReadAheadBufferBytes = 64 * 1024 });
        using var client = gateway.Client();
        var cancel = TestContext.Current.CancellationToken;

        using var response = await client.GetAsync(new Uri("archive/", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, cancel);
        await using var body = await response.Content.ReadAsStreamAsync(cancel);
        var archive = new MemoryStream();
        var first = new byte[64 * 1024];
        archive.Write(first, 0, await body.ReadAsync(first, cancel));

        // The client stops reading until a connection that waited for it was dropped by the upstream or let go of by
        // the gateway (a member read ahead whose buffer is full); then it reads the rest.
        await Task.WhenAny(app.Dropped.Task, app.Released.Task).WaitAsync(TimeSpan.FromSeconds(60), cancel);
        await body.CopyToAsync(archive, cancel);

        archive.Position = 0;
        using var zip = new ZipArchive(archive);
        foreach (var entry in zip.Entries)
        {
            using var member = new MemoryStream();
            await entry.Open().CopyToAsync(member, cancel);
            Assert.True(IdleClosingApp.Member.AsSpan().SequenceEqual(member.ToArray()), entry.FullName);
        }

        Assert.Equal(3, zip.Entries.Count);
        Assert.Contains(app.Requests, r => r.Range is not null && r.IfRange == "\"m1\"");
    }
}
