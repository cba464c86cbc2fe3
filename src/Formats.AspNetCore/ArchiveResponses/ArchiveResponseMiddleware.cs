using System.Diagnostics;
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
internal sealed class ArchiveResponseMiddleware(RequestDelegate next, ArchiveResponseOptions options, ILogger logger)
{
    /// <summary>The request headers an app never sees on a GET or HEAD: the archive answers them, not the manifest.</summary>
    private static readonly string[] Conditional =
        [HeaderNames.Range, HeaderNames.IfRange, HeaderNames.IfMatch, HeaderNames.IfNoneMatch, HeaderNames.IfModifiedSince, HeaderNames.IfUnmodifiedSince];

    /// <summary>Headers of the app's response that the archive keeps; the rest describe the manifest.</summary>
    private static readonly string[] Kept = [HeaderNames.CacheControl, HeaderNames.SetCookie, HeaderNames.Expires, HeaderNames.Vary];

    // Members come through one pool of connections; redirects are followed by the sources (each hop checked), and
    // cookies are the user's, never kept here.
    private static readonly Lazy<HttpClient> SharedClient = new(() => new HttpClient(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        AutomaticDecompression = System.Net.DecompressionMethods.None,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    });

    private int _inFlight;

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        var hidden = Hide(request);
        var body = context.Features.Get<IHttpResponseBodyFeature>()!;
        var capture = new ResponseCapture(context, body, options.MaxManifestBytes, requestAltered: hidden is not null);
        context.Features.Set<IHttpResponseBodyFeature>(capture);
        context.Features.Set(capture);
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
        var contentDisposition = appHeaders.ContentDisposition.ToString();
        var lastModified = response.GetTypedHeaders().LastModified;
        var charset = appHeaders[ArchiveResponseHeaders.Charset].ToString().Trim();
        var passHeaders = appHeaders[ArchiveResponseHeaders.PassHeaders].ToString();
        var contentEncoding = appHeaders.ContentEncoding.ToString().Trim();
        var kept = Kept.Where(appHeaders.ContainsKey).Select(name => new KeyValuePair<string, StringValues>(name, appHeaders[name])).ToList();
        response.Clear();

        var (outcome, members, bytes) = ("manifest refused: 502", 0, 0L);
        try
        {
            if (!ArchiveFormats.TryParse(kind, out var format))
            {
                await FailAsync(response, $"{ArchiveResponseHeaders.Files}: '{kind}' is not zip, tar, tar.gz or tar.zst").ConfigureAwait(false);
                return;
            }

            if (capture.Overflowed)
            {
                await FailAsync(response, $"the app's manifest is larger than {options.MaxManifestBytes} bytes (the limit)").ConfigureAwait(false);
                return;
            }

            if (Interlocked.Increment(ref _inFlight) > options.MaxConcurrentArchives)
            {
                Interlocked.Decrement(ref _inFlight);
                outcome = "busy: 503";
                response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                response.Headers.RetryAfter = "1";
                response.ContentType = "text/plain; charset=utf-8";
                await response.WriteAsync($"{options.MaxConcurrentArchives} archives are being made (the limit); try again\n", CancellationToken.None).ConfigureAwait(false);
                return;
            }

            try
            {
                IReadOnlyList<ArchiveItem> items;
                try
                {
                    items = await ParseAsync(context, capture.Manifest, charset, passHeaders, contentEncoding).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is FormatException or ManifestLimitException or InvalidDataException)
                {
                    await FailAsync(response, $"the app's manifest could not be read: {ex.Message}").ConfigureAwait(false);
                    return;
                }

                members = items.Count;
                var result = new ArchiveResult(items, format, FileName(context.Request))
                {
                    ZipOptions = options.ZipOptions,
                    TarOptions = options.TarOptions,
                    DefaultLastModified = lastModified,
                    ReadAheadDepth = options.ReadAheadDepth,
                    ReadAheadBufferBytes = options.ReadAheadBufferBytes,
                    ContentDispositionValue = contentDisposition.Length > 0 ? contentDisposition : null,
                    ExtraHeaders = kept,
                };
                await result.ExecuteAsync(context).ConfigureAwait(false);
                (outcome, bytes) = result.Report;
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        }
        finally
        {
            if (logger.IsEnabled(LogLevel.Information))
            {
                logger.LogInformation(
                    "archive {RequestId} {Format} {Path}: {Members} members, {Bytes} bytes in {DurationMs:0} ms, {Outcome}",
                    context.TraceIdentifier, kind, context.Request.Path.Value, members, bytes, Stopwatch.GetElapsedTime(started).TotalMilliseconds, outcome);
            }
        }
    }

    /// <summary>
    /// The manifest's entries: paths on the member origin fetched with the user's credentials, absolute URLs only in the
    /// allowed origins and without them. A refused location fails here, before any member is fetched.
    /// </summary>
    private async Task<IReadOnlyList<ArchiveItem>> ParseAsync(HttpContext context, ReadOnlyMemory<byte> manifest, string charset, string passHeaders, string contentEncoding)
    {
        var request = context.Request;
        var origin = options.MemberOrigin ?? OwnOrigin(context);
        var allowed = options.AllowedOrigins;
        var client = options.HttpClient ?? SharedClient.Value;
        var http = options.Http;

        bool IsAllowed(Uri url) => allowed.Any(o => HttpEntrySource.SameOrigin(o, url));
        bool IsMemberOriginOrAllowed(Uri url) => HttpEntrySource.SameOrigin(origin, url) || IsAllowed(url);

        var credentialed = Copy(http, IsMemberOriginOrAllowed, Credentials(request, passHeaders));
        var anonymous = Copy(http, IsAllowed, []);
        Encoding? encoding = null;
        if (charset.Length > 0 && !charset.Equals("native", StringComparison.OrdinalIgnoreCase) && !charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                // The code pages (windows-1251, cp866, shift_jis, ...) ship with .NET but are not registered by default.
                var name = charset.TrimEnd(';').Trim();
                encoding = CodePagesEncodingProvider.Instance.GetEncoding(name) ?? Encoding.GetEncoding(name);
            }
            catch (ArgumentException)
            {
                throw new FormatException($"{ArchiveResponseHeaders.Charset}: '{charset}' is not a character set this server knows");
            }
        }

        var parse = new ArchiveManifestOptions
        {
            BaseUri = origin,
            OpenRelativeUrl = (url, size) => EntrySource.FromUrl(client, url, size, credentialed),
            OpenUrl = (url, size) => EntrySource.FromUrl(client, url, size, anonymous),
            MaxMembers = options.MaxMembers,
            MaxBytes = options.MaxManifestBytes,
            Encoding = encoding,
        };
        // The captured bytes as they are (an array behind the capture buffer), not a copy of up to the manifest limit.
        var bytes = System.Runtime.InteropServices.MemoryMarshal.TryGetArray(manifest, out var segment) ? segment : new ArraySegment<byte>(manifest.ToArray());
        using var stream = Decoded(new MemoryStream(bytes.Array!, bytes.Offset, bytes.Count, writable: false), contentEncoding);
        return await ArchiveManifest.ParseAsync(stream, parse, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>The manifest body as the app sent it, compressed or not (a proxied app may gzip it).</summary>
    private static Stream Decoded(Stream body, string contentEncoding) => contentEncoding.ToLowerInvariant() switch
    {
        "" or "identity" => body,
        "gzip" or "x-gzip" => new GZipStream(body, CompressionMode.Decompress),
        "deflate" => new ZLibStream(body, CompressionMode.Decompress),
        "br" => new BrotliStream(body, CompressionMode.Decompress),
        _ => throw new FormatException($"Content-Encoding '{contentEncoding}' of the manifest is not gzip, deflate or br"),
    };

    /// <summary>The user's Cookie and Authorization, and the request headers the app names in X-Archive-Pass-Headers.</summary>
    private static List<KeyValuePair<string, string>> Credentials(HttpRequest request, string passHeaders)
    {
        var names = new List<string> { HeaderNames.Cookie, HeaderNames.Authorization };
        foreach (var name in passHeaders.Split([':', ','], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            // Never what describes the member request itself, nor what the archive answers.
            if (!names.Contains(name, StringComparer.OrdinalIgnoreCase) && !NotPassed(name))
            {
                names.Add(name);
            }
        }

        var headers = new List<KeyValuePair<string, string>>();
        foreach (var name in names)
        {
            foreach (var value in request.Headers[name])
            {
                if (value is not null)
                {
                    headers.Add(new(name, value));
                }
            }
        }

        return headers;
    }

    private static bool NotPassed(string name) =>
        Conditional.Contains(name, StringComparer.OrdinalIgnoreCase)
        || name.Equals(HeaderNames.Host, StringComparison.OrdinalIgnoreCase)
        || name.Equals(HeaderNames.ContentLength, StringComparison.OrdinalIgnoreCase)
        || name.Equals(HeaderNames.TransferEncoding, StringComparison.OrdinalIgnoreCase)
        || name.Equals(HeaderNames.Connection, StringComparison.OrdinalIgnoreCase)
        || name.Equals(HeaderNames.AcceptEncoding, StringComparison.OrdinalIgnoreCase);

    private static HttpSourceOptions Copy(HttpSourceOptions http, Func<Uri, bool> allow, IReadOnlyList<KeyValuePair<string, string>> headers) => new()
    {
        ResponseTimeout = http.ResponseTimeout,
        IdleTimeout = http.IdleTimeout,
        MinimumBytesPerSecond = http.MinimumBytesPerSecond,
        RateWindow = http.RateWindow,
        MaxRedirects = http.MaxRedirects,
        AllowUrl = allow,
        RequestHeaders = headers,
    };

    /// <summary>
    /// This server as the connection reached it (its local address and port, never the client's Host header, which
    /// would let a client send the members' requests, credentials included, anywhere).
    /// </summary>
    private static Uri OwnOrigin(HttpContext context)
    {
        var address = context.Connection.LocalIpAddress ?? System.Net.IPAddress.Loopback;
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        var host = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
        return new Uri($"{context.Request.Scheme}://{host}:{context.Connection.LocalPort}{context.Request.PathBase}/");
    }

    /// <summary>The download's name when the app gives no Content-Disposition: the request path's last segment.</summary>
    private static string FileName(HttpRequest request)
    {
        var path = request.Path.Value ?? "";
        var last = path.TrimEnd('/').Split('/')[^1];
        return last.Length == 0 ? "archive" : last;
    }

    private static async Task FailAsync(HttpResponse response, string message)
    {
        response.StatusCode = StatusCodes.Status502BadGateway;
        response.ContentType = "text/plain; charset=utf-8";
        await response.WriteAsync(message + "\n", CancellationToken.None).ConfigureAwait(false);
    }
}
