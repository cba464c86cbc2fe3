using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Formats.AspNetCoreTests;

/// <summary>
/// A second real Kestrel on 127.0.0.1 playing the remote servers: synthetic files with Range support, a slow one that
/// records when its client went away, one that fails halfway, one with a wrong length, and 404s.
/// </summary>
public sealed class Upstream : IAsyncDisposable
{
    private Server? _server;

    public Uri BaseUri => _server!.BaseUri;

    /// <summary>Requests currently being answered, and the most that were at once.</summary>
    public int InFlight => _inFlight;

    public int MaxInFlight => _maxInFlight;

    /// <summary>When each slow request saw its client go away.</summary>
    public ConcurrentQueue<DateTimeOffset> Aborted { get; } = new();

    /// <summary>Completes when the first slow request sees its client go away.</summary>
    public Task FirstAborted => _firstAborted.Task;

    private readonly TaskCompletionSource _firstAborted = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Every request's path and Range header.</summary>
    public ConcurrentQueue<(string Path, string? Range)> Requests { get; } = new();

    /// <summary>Every request's User-Agent header ("" when none).</summary>
    public ConcurrentQueue<string> UserAgents { get; } = new();

    private int _inFlight;
    private int _maxInFlight;

    public Uri File(string name, long size, int seed = 0) => new(BaseUri, $"file/{name}?size={size}&seed={seed}");

    public static async Task<Upstream> StartAsync(int delayMilliseconds = 0)
    {
        var self = new Upstream();
        self._server = await Server.StartAsync(app => self.Map(app, delayMilliseconds));
        return self;
    }

    private void Map(WebApplication app, int delayMilliseconds)
    {
        app.Use(async (context, next) =>
        {
            Requests.Enqueue((context.Request.Path, context.Request.Headers.Range.ToString() is { Length: > 0 } r ? r : null));
            UserAgents.Enqueue(context.Request.Headers.UserAgent.ToString());
            var now = Interlocked.Increment(ref _inFlight);
            int max;
            while (now > (max = _maxInFlight) && Interlocked.CompareExchange(ref _maxInFlight, now, max) != max)
            {
            }

            try
            {
                if (delayMilliseconds > 0)
                {
                    await Task.Delay(delayMilliseconds, context.RequestAborted);
                }

                await next(context);
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        });
        app.MapGet("/file/{name}", async (HttpContext context, long size, int seed) =>
        {
            var (start, end) = (0L, size);
            if (context.Request.Headers.Range.ToString() is { Length: > 0 } range && range.StartsWith("bytes=", StringComparison.Ordinal) && range.EndsWith('-'))
            {
                start = long.Parse(range[6..^1], CultureInfo.InvariantCulture);
                context.Response.StatusCode = StatusCodes.Status206PartialContent;
                context.Response.Headers.ContentRange = $"bytes {start}-{size - 1}/{size}";
            }

            context.Response.ContentLength = end - start;
            await WriteSyntheticAsync(context, start, end, seed);
        });
        app.MapGet("/slow/{name}", async (HttpContext context, long size) =>
        {
            context.Response.ContentLength = size;
            try
            {
                for (var sent = 0L; sent < size; sent += 1024)
                {
                    await context.Response.Body.WriteAsync(new byte[(int)Math.Min(1024, size - sent)], context.RequestAborted);
                    await context.Response.Body.FlushAsync(context.RequestAborted);
                    await Task.Delay(50, context.RequestAborted);
                }
            }
            catch (OperationCanceledException)
            {
                Aborted.Enqueue(DateTimeOffset.UtcNow);
                _firstAborted.TrySetResult();
            }
        });
        app.MapGet("/fail/{name}", async (HttpContext context, long size) =>
        {
            context.Response.ContentLength = size;
            await WriteSyntheticAsync(context, 0, size / 2, 0);
            await context.Response.Body.FlushAsync();
            context.Abort();
        });
        app.MapGet("/wrong-offset/{name}", async (HttpContext context, long size) =>
        {
            // Asked for bytes=N-, answers 206 with the right count of bytes, but from offset 0.
            var range = context.Request.Headers.Range.ToString();
            var start = range.StartsWith("bytes=", StringComparison.Ordinal) ? long.Parse(range[6..^1], CultureInfo.InvariantCulture) : 0;
            context.Response.StatusCode = StatusCodes.Status206PartialContent;
            context.Response.Headers.ContentRange = $"bytes 0-{size - start - 1}/{size}";
            context.Response.ContentLength = size - start;
            await WriteSyntheticAsync(context, 0, size - start, 0);
        });
        app.MapGet("/trickle/{name}", async (HttpContext context, long size) =>
        {
            // One byte every 50 ms, until the client goes away (at most size bytes).
            context.Response.ContentLength = size;
            try
            {
                for (var sent = 0L; sent < size; sent++)
                {
                    await context.Response.Body.WriteAsync(new byte[1], context.RequestAborted);
                    await context.Response.Body.FlushAsync(context.RequestAborted);
                    await Task.Delay(50, context.RequestAborted);
                }
            }
            catch (OperationCanceledException)
            {
                Aborted.Enqueue(DateTimeOffset.UtcNow);
                _firstAborted.TrySetResult();
            }
        });
        app.MapGet("/redirect", (string to) => Results.Redirect(to));
        app.MapGet("/loop/{n:int}", (int n) => Results.Redirect($"/loop/{n + 1}"));
        app.MapGet("/wrong-length/{name}", async (HttpContext context, long size) =>
        {
            context.Response.ContentLength = size + 10;
            await WriteSyntheticAsync(context, 0, size + 10, 0);
        });
    }

    private static async Task WriteSyntheticAsync(HttpContext context, long start, long end, int seed)
    {
        var buffer = new byte[64 * 1024];
        for (var at = start; at < end;)
        {
            var n = (int)Math.Min(buffer.Length, end - at);
            for (var i = 0; i < n; i++)
            {
                buffer[i] = SyntheticStream.ByteAt(at + i, seed, compressible: false);
            }

            await context.Response.Body.WriteAsync(buffer.AsMemory(0, n), context.RequestAborted);
            at += n;
        }
    }

    public ValueTask DisposeAsync() => _server!.DisposeAsync();
}
