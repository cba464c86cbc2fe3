using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.IO.Compression;
using System.Text;
using Formats.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Formats.AspNetCore;

/// <summary>
/// Turns responses that carry <c>X-Archive-Files</c> into archives of the manifest in their body (see
/// <see cref="ArchiveResponses"/>). The app sees GET for HEAD and no Range or If-* headers on GET and HEAD, so it
/// always answers with the whole manifest; the archive answers them. Any other response to such an altered request is
/// discarded unsent and the request is asked again as it came, so pages and files pass through as if nothing stood
/// between.
/// </summary>
internal sealed partial class ArchiveResponseMiddleware(RequestDelegate next, ArchiveResponseOptions options, IHttpClientFactory clients, IMeterFactory? meters, ILogger logger)
{
    /// <summary>The request headers an app never sees on a GET or HEAD: the archive answers them, not the manifest.</summary>
    private static readonly string[] Conditional =
        [HeaderNames.Range, HeaderNames.IfRange, HeaderNames.IfMatch, HeaderNames.IfNoneMatch, HeaderNames.IfModifiedSince, HeaderNames.IfUnmodifiedSince];

    /// <summary>Headers of the app's response that the archive keeps; the rest describe the manifest.</summary>
    private static readonly string[] Kept = [HeaderNames.CacheControl, HeaderNames.SetCookie, HeaderNames.Expires, HeaderNames.Vary];

    private int _inFlight;

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        var hidden = Hide(request);
        var body = context.Features.Get<IHttpResponseBodyFeature>()!;
        var capture = new ResponseCapture(context, body, options.MaxManifestBytes, requestAltered: hidden is not null);
        context.Features.Set<IHttpResponseBodyFeature>(capture);
        context.Features.Set(capture);

        // A proxied manifest (ArchiveResponses.ShouldCopyBodyAsync) is parsed as it arrives, by the headers it came with.
        capture.Parser = (manifest, cancellationToken) => ParseAsync(context, manifest, ManifestHeaders.Of(context.Response.Headers), cancellationToken);
        try
        {
            await next(context).ConfigureAwait(false);
            await capture.FlushWriterAsync().ConfigureAwait(false);
        }
        catch (ManifestLimitException) when (capture.Overflowed)
        {
            // Answered below with the limit named.
        }
        finally
        {
            context.Features.Set(body);
            context.Features.Set<ResponseCapture>(null);
            hidden?.Restore(request);
        }

        switch (capture.Decide())
        {
            case ResponseCapture.Mode.Discard:
                context.Response.Clear();
                await next(context).ConfigureAwait(false);
                break;
            case ResponseCapture.Mode.Manifest:
                await SendArchiveAsync(context, capture).ConfigureAwait(false);
                break;
        }
    }

    /// <summary>For GET and HEAD: takes the conditional headers out and makes HEAD a GET; returns what to put back (null: nothing changed).</summary>
    private static HiddenRequest? Hide(HttpRequest request)
    {
        var head = HttpMethods.IsHead(request.Method);
        if (!head && !HttpMethods.IsGet(request.Method))
        {
            return null;
        }

        List<KeyValuePair<string, StringValues>>? taken = null;
        foreach (var name in Conditional)
        {
            if (request.Headers.Remove(name, out var value))
            {
                (taken ??= []).Add(new(name, value));
            }
        }

        if (!head && taken is null)
        {
            return null;
        }

        var method = request.Method;
        request.Method = HttpMethods.Get;
        return new HiddenRequest(method, taken ?? []);
    }

    private sealed record HiddenRequest(string Method, List<KeyValuePair<string, StringValues>> Headers)
    {
        public void Restore(HttpRequest request)
        {
            request.Method = Method;
            foreach (var (name, value) in Headers)
            {
                request.Headers[name] = value;
            }
        }
    }

    private async Task SendArchiveAsync(HttpContext context, ResponseCapture capture)
    {
        var started = Stopwatch.GetTimestamp();
        var response = context.Response;
        var appHeaders = response.Headers;
        var kind = appHeaders[ArchiveResponseHeaders.Files].ToString().Trim();
        var contentDisposition = AppContentDisposition(context, appHeaders.ContentDisposition.ToString());
        var lastModified = response.GetTypedHeaders().LastModified;
        var manifestHeaders = ManifestHeaders.Of(appHeaders);
        var kept = Kept.Where(appHeaders.ContainsKey).Select(name => new KeyValuePair<string, StringValues>(name, appHeaders[name])).ToList();
        response.Clear();

        var (outcome, members, bytes) = ("manifest refused: 502", 0, 0L);
        string? reason = null;
        try
        {
            if (!ArchiveFormats.TryParse(kind, out var format))
            {
                reason = await FailAsync(response, $"{ArchiveResponseHeaders.Files}: '{kind}' is not zip, tar, tar.gz or tar.zst").ConfigureAwait(false);
                return;
            }

            if (capture.Overflowed)
            {
                reason = await FailAsync(response, $"the app's manifest is larger than {options.MaxManifestBytes} bytes (the limit)").ConfigureAwait(false);
                return;
            }

            var manifestBytes = capture.ManifestLength;
            var busy = Interlocked.Increment(ref _inFlight) > options.MaxConcurrentArchives ? $"{options.MaxConcurrentArchives} archives are being made (the limit)"
                : !TryAdmitManifest(manifestBytes) ? ManifestBytesBusy(manifestBytes)
                : null;
            if (busy is not null)
            {
                Interlocked.Decrement(ref _inFlight);
                outcome = "busy: 503";
                reason = $"{options.MaxConcurrentArchives} archives in flight (the limit)";
                response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                response.Headers.RetryAfter = "1";
                response.ContentType = "text/plain; charset=utf-8";
                await response.WriteAsync($"{busy}; try again\n", CancellationToken.None).ConfigureAwait(false);
                return;
            }

            try
            {
                IReadOnlyList<ArchiveItem> items;
                try
                {
                    capture.ParseFailure?.Throw();
                    items = capture.Parsed ?? await ParseAsync(context, capture.Manifest, manifestHeaders).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is FormatException or ManifestLimitException or InvalidDataException)
                {
                    reason = await FailAsync(response, $"the app's manifest could not be read: {ex.Message}").ConfigureAwait(false);
                    return;
                }
                finally
                {
                    capture.DropManifest();
                }

                members = items.Count;
                var result = new ArchiveResult(items, format, FileName(context.Request))
                {
                    ZipOptions = options.ZipOptions,
                    TarOptions = options.TarOptions,
                    DefaultLastModified = lastModified,
                    ReadAheadDepth = options.ReadAheadDepth,
                    ReadAheadBufferBytes = options.ReadAheadBufferBytes,
                    ReadAheadBudget = options.ReadAheadBudget,
                    MinimumClientBytesPerSecond = options.MinimumClientBytesPerSecond,
                    ClientRateWindow = options.ClientRateWindow,
                    ContentDispositionValue = contentDisposition,
                    ExtraHeaders = kept,
                };
                await result.ExecuteAsync(context).ConfigureAwait(false);
                (outcome, bytes) = result.Report;
                reason = result.Reason;
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
                ReleaseManifest(manifestBytes);
            }
        }
        finally
        {
            if (logger.IsEnabled(LogLevel.Information))
            {
                // The reason (an error's message, naming the entry) when the archive did not complete.
                var duration = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                var query = context.Request.QueryString.Value;
                if (reason is null)
                {
                    Log.ArchiveAnswered(logger, context.TraceIdentifier, kind, context.Request.Path.Value, query, members, bytes, duration, outcome);
                }
                else
                {
                    Log.ArchiveNotCompleted(logger, context.TraceIdentifier, kind, context.Request.Path.Value, query, members, bytes, duration, outcome, reason);
                }
            }
        }
    }

    /// <summary>
    /// The app's Content-Disposition as it can be sent (a Latin-1 or UTF-8 name re-encoded as filename*); null when it
    /// gives none, or one that cannot be sent, which is logged: the archive is then named by the request path.
    /// </summary>
    private string? AppContentDisposition(HttpContext context, string value)
    {
        if (value.Length == 0)
        {
            return null;
        }

        var sendable = ContentDisposition.FromApp(value);
        if (sendable is null)
        {
            Log.AppContentDispositionRefused(logger, context.TraceIdentifier, context.Request.Path.Value);
        }

        return sendable;
    }

    /// <summary>The download's name when the app gives no Content-Disposition: the request path's last segment.</summary>
    private static string FileName(HttpRequest request)
    {
        var path = request.Path.Value ?? "";
        var last = path.TrimEnd('/').Split('/')[^1];
        return last.Length == 0 ? "archive" : last;
    }

    /// <summary>Answers 502 with <paramref name="message"/>, and returns it for the archive's log line.</summary>
    private static async Task<string> FailAsync(HttpResponse response, string message)
    {
        response.StatusCode = StatusCodes.Status502BadGateway;
        response.ContentType = "text/plain; charset=utf-8";
        await response.WriteAsync(message + "\n", CancellationToken.None).ConfigureAwait(false);
        return message;
    }
}
