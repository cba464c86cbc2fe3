using System.Collections.Concurrent;
using System.IO.Compression;
using Formats.AspNetCore;
using Formats.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

namespace Formats.AspNetCoreTests;

/// <summary>
/// A member read ahead whose buffer is full while the client is paused: the real gateway in front of an app (a second
/// Kestrel, with no minimum response rate of its own) lets go of the member's connection at once when the member had a
/// strong ETag and Accept-Ranges, and asks for the rest with Range and If-Range when its turn comes; a member without
/// them keeps its connection, as before, and both end whole.
/// </summary>
public sealed class ParkedMemberTests
{
    private const int MemberSize = 16 << 20;

    private const int Chunk = 64 * 1024;

    private static byte ByteAt(int member, long i) => (byte)(i * (5 + 2 * member) + (i >> 10));

    private static byte[] Content(int member) => [.. Enumerable.Range(0, MemberSize).Select(i => ByteAt(member, i))];

    /// <summary>The app; with <paramref name="abortFirstRange"/>, member 2's first Range request is cut after 256 KiB, once.</summary>
    private sealed class App(bool abortFirstRange = false)
    {
        private int _rangesCut;

        /// <summary>Each member request: the member, its Range and If-Range (null when absent).</summary>
        public ConcurrentQueue<(int Member, string? Range, string? IfRange)> Requests { get; } = new();

        /// <summary>Member requests whose response ended (sent whole or closed by the gateway), by member.</summary>
        public ConcurrentDictionary<int, int> Ended { get; } = new();

        /// <summary>Completed when the first request of member 2 ended.</summary>
        public TaskCompletionSource SecondEnded { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Members 1 and 2 have a strong ETag and Accept-Ranges; member 3 has neither.</summary>
        public async Task ServeAsync(HttpContext context, int member)
        {
            // Kestrel's own minimum response rate would close a stalled response itself: only the gateway may here.
            context.Features.Get<IHttpMinResponseDataRateFeature>()!.MinDataRate = null;
            var range = context.Request.Headers.Range.FirstOrDefault();
            var ifRange = context.Request.Headers.IfRange.FirstOrDefault();
            Requests.Enqueue((member, range, ifRange));
            var etag = $"\"p{member}\"";
            long from = 0;
            if (member != 3)
            {
                context.Response.Headers.ETag = etag;
                context.Response.Headers.AcceptRanges = "bytes";
                if (range is { } r && (ifRange is null || ifRange == etag))
                {
                    from = long.Parse(r["bytes=".Length..^1], System.Globalization.CultureInfo.InvariantCulture);
                    context.Response.StatusCode = StatusCodes.Status206PartialContent;
                    context.Response.Headers.ContentRange = $"bytes {from}-{MemberSize - 1}/{MemberSize}";
                }
            }

            context.Response.ContentLength = MemberSize - from;
            var buffer = new byte[Chunk];
            try
            {
                for (var at = from; at < MemberSize; at += Chunk)
                {
                    var n = (int)Math.Min(Chunk, MemberSize - at);
                    for (var i = 0; i < n; i++)
                    {
                        buffer[i] = ByteAt(member, at + i);
                    }

                    await context.Response.Body.WriteAsync(buffer.AsMemory(0, n), context.RequestAborted);
                    if (abortFirstRange && member == 2 && from > 0 && at - from >= 256 * 1024 && Interlocked.Exchange(ref _rangesCut, 1) == 0)
                    {
                        await context.Response.Body.FlushAsync(context.RequestAborted);
                        context.Abort();
                        return;
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // The gateway closed the connection.
            }
            finally
            {
                Ended.AddOrUpdate(member, 1, (_, count) => count + 1);
                if (member == 2)
                {
                    SecondEnded.TrySetResult();
                }
            }
        }
    }

    [Fact]
    public async Task A_member_read_ahead_with_a_full_buffer_lets_go_of_its_connection_and_resumes_from_there_on_its_turn()
    {
        var app = new App();

        var archive = await DownloadPausedAsync(app, HttpSourceOptions.Default.MaxResumes);

        AssertWhole(archive);
        var second = app.Requests.Where(r => r.Member == 2).ToArray();
        Assert.Equal(2, second.Length);
        Assert.Matches("^bytes=[1-9][0-9]*-$", second[1].Range);
        Assert.Equal("\"p2\"", second[1].IfRange);
        Assert.Equal([(3, null, null)], app.Requests.Where(r => r.Member == 3).ToArray());
    }

    [Fact]
    public async Task Letting_go_of_a_full_members_connection_does_not_count_against_its_resumes()
    {
        // One resume allowed: the connection let go on purpose, then the re-request cut once, still end whole.
        var app = new App(abortFirstRange: true);

        var archive = await DownloadPausedAsync(app, maxResumes: 1);

        AssertWhole(archive);
        var second = app.Requests.Where(r => r.Member == 2).ToArray();
        Assert.Equal(3, second.Length);
        Assert.All(second[1..], r => Assert.Equal("\"p2\"", r.IfRange));
    }

    /// <summary>A download of members 1 to 3 whose client pauses after its first bytes until member 2's first request ended.</summary>
    private static async Task<MemoryStream> DownloadPausedAsync(App app, int maxResumes)
    {
        await using var gateway = await AppGateway.StartAsync(web =>
        {
            web.MapGet("/archive/", (HttpContext context) =>
            {
                context.Response.Headers["X-Archive-Files"] = "zip";
                return Results.Text(string.Concat(Enumerable.Range(1, 3).Select(i => $"- {MemberSize} /member/{i} m{i}.bin\n")));
            });
            web.MapGet("/member/{i:int}", (HttpContext context, int i) => app.ServeAsync(context, i));
        }, origin => new ArchiveResponseOptions
        {
            MemberOrigin = origin,
            ReadAheadBufferBytes = 64 * 1024,
            Http = new HttpSourceOptions { MaxResumes = maxResumes, ParkedConnectionLimit = TimeSpan.Zero },
        });
        using var client = gateway.Client();
        var cancel = TestContext.Current.CancellationToken;

        using var response = await client.GetAsync(new Uri("archive/", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, cancel);
        await using var body = await response.Content.ReadAsStreamAsync(cancel);
        var archive = new MemoryStream();
        var first = new byte[Chunk];
        archive.Write(first, 0, await body.ReadAsync(first, cancel));

        // The client is paused: member 2's connection, read ahead into a full buffer, is closed by the gateway meanwhile.
        await app.SecondEnded.Task.WaitAsync(TimeSpan.FromSeconds(30), cancel);
        Assert.Equal([(2, null, null)], app.Requests.Where(r => r.Member == 2).ToArray());
        Assert.False(app.Ended.ContainsKey(3), "member 3 (no validators) keeps its connection while the client is paused");

        await body.CopyToAsync(archive, cancel);
        archive.Position = 0;
        return archive;
    }

    private static void AssertWhole(MemoryStream archive)
    {
        using var zip = new ZipArchive(archive);
        Assert.Equal(3, zip.Entries.Count);
        for (var i = 1; i <= 3; i++)
        {
            using var member = new MemoryStream();
            using (var entry = zip.GetEntry($"m{i}.bin")!.Open())
            {
                entry.CopyTo(member);
            }

            Assert.True(Content(i).AsSpan().SequenceEqual(member.ToArray()), $"m{i}.bin");
        }
    }
}
