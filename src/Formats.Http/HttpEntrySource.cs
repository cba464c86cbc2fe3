using System.Net;
using System.Net.Http.Headers;
using System.Reflection;

namespace Formats.Http;

/// <summary>
/// Content fetched over HTTP when the entry's turn comes: a GET (with <c>Range: bytes=OFFSET-</c> when started at an
/// offset), checked against the declared length and, for a 206, against the Content-Range asked for. Redirects are
/// followed here (when the client's handler does not) within <see cref="HttpSourceOptions.AllowUrl"/> and
/// <see cref="HttpSourceOptions.MaxRedirects"/>. Errors name the URL without its user information; the sink adds the
/// entry. Use an <see cref="HttpClient"/> from <c>IHttpClientFactory</c> in servers. The URL is kept as the UTF-8 bytes
/// of its absolute form and parsed when the source is opened: a manifest of 100,000 members holds 100,000 sources, and
/// a parsed <see cref="Uri"/> costs about four times the bytes of its text.
/// </summary>
internal sealed partial class HttpEntrySource(HttpClient client, Uri url, long? declaredLength, HttpSourceOptions options) : EntrySource
{
    private readonly byte[] _url = System.Text.Encoding.UTF8.GetBytes(url.AbsoluteUri);

    /// <summary>The declared length, or -1 for none (8 bytes a source rather than a nullable's 16).</summary>
    private readonly long _length = declaredLength ?? -1;

    /// <summary>The absolute URL, as given.</summary>
    private string Url => System.Text.Encoding.UTF8.GetString(_url);

    /// <summary><c>formats/VERSION</c>, the library's informational version without build metadata.</summary>
    internal static readonly string UserAgent = "formats/" + LibraryVersion();

    public override long? Length => _length < 0 ? null : _length;

    /// <summary>The URL whole (query included): it enters only a hash, the ETag.</summary>
    public override string? Location => "url:" + Url;

    public override async ValueTask<Stream> OpenAsync(long offset, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            return await OpenAtAsync(offset, started, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutException or IOException)
        {
            HttpSourceMetrics.For(options.MeterFactory).Failed(ex);
            throw;
        }
    }

    private async ValueTask<Stream> OpenAtAsync(long offset, long started, CancellationToken cancellationToken)
    {
        var (response, at) = await SendAsync(offset, cancellationToken).ConfigureAwait(false);
        try
        {
            var shown = Redact(at);
            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"GET {shown}: {(int)response.StatusCode} {response.ReasonPhrase}", null, response.StatusCode)
                    .WithReason(ArchiveErrorReason.UpstreamStatus);
            }

            var skip = 0L;
            if (response.StatusCode == HttpStatusCode.PartialContent)
            {
                CheckContentRange(response.Content.Headers.ContentRange, offset, shown);
            }
            else if (offset > 0)
            {
                // A server that ignores Range sends the whole body from 0: skip to the offset ourselves.
                skip = offset;
            }

            if (Length is { } declared && response.Content.Headers.ContentLength is { } sent && sent - skip != declared - offset)
            {
                throw new HttpRequestException($"GET {shown}: the server sends {sent - skip} bytes from offset {offset}, but the entry's length is {declared}")
                    .WithReason(sent - skip < declared - offset ? ArchiveErrorReason.SourceTooShort : ArchiveErrorReason.SourceTooLong);
            }

            if (response.Content.Headers.ContentLength is { } whole && whole - skip + offset > options.MaxMemberBytes)
            {
                throw new HttpRequestException($"GET {shown}: the server sends {whole - skip + offset} bytes, more than the most a member may have ({options.MaxMemberBytes} bytes)")
                    .WithReason(ArchiveErrorReason.MemberTooLarge);
            }

            var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            var stream = new HttpBodyStream(response, body, shown, options)
            {
                RemainingLength = response.Content.Headers.ContentLength - skip,
                ContentOffset = offset - skip,
                LastModified = response.Content.Headers.LastModified,
                Started = started,
                Identity = IdentityOf(response, Length ?? (response.StatusCode == HttpStatusCode.OK ? response.Content.Headers.ContentLength : null)),
                Resume = ResumeOf(response),
            };
            await stream.SkipAsync(skip, cancellationToken).ConfigureAwait(false);
            return stream;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>The content's identity, asked with a HEAD: the URL, the length and the server's strong ETag or Last-Modified.</summary>
    public override async ValueTask<string?> GetIdentityAsync(CancellationToken cancellationToken)
    {
        var (response, _) = await SendAsync(HttpMethod.Head, 0, cancellationToken).ConfigureAwait(false);
        using (response)
        {
            return response.IsSuccessStatusCode ? IdentityOf(response, Length ?? response.Content.Headers.ContentLength) : null;
        }
    }

    /// <summary>
    /// <c>url:URL|LENGTH|VALIDATOR</c> for a response with a strong ETag (else a Last-Modified) and a known length, and
    /// <c>|credentials HASH</c> when the request carries <see cref="HttpSourceOptions.RequestHeaders"/>: what a user's
    /// Cookie or Authorization fetched is the content of that user, never answered from another user's CRC-32. Null
    /// otherwise: a URL without validators is never remembered, since nothing would tell that its content changed.
    /// </summary>
    internal string? IdentityOf(HttpResponseMessage response, long? contentLength)
    {
        var validator = response.Headers.ETag is { IsWeak: false } etag ? "etag " + etag.Tag
            : response.Content.Headers.LastModified is { } time ? "modified " + time.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture)
            : null;
        if (validator is null || contentLength is not { } known)
        {
            return null;
        }

        var identity = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"url:{Url}|{known}|{validator}");
        return options.RequestHeaders.Count == 0 ? identity : identity + "|credentials " + CredentialsHash(options.RequestHeaders);
    }

    /// <summary>
    /// The SHA-256 of the headers sent with every request (names lowercased, in order of name then value, each name and
    /// value length-prefixed so that no two lists share a text): equal for the same user's requests, different for
    /// another user's, and never the credentials themselves.
    /// </summary>
    internal static string CredentialsHash(IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        var text = new System.Text.StringBuilder();
        foreach (var (name, value) in headers.Select(h => (Name: h.Key.ToLowerInvariant(), h.Value)).OrderBy(h => h.Name, StringComparer.Ordinal).ThenBy(h => h.Value, StringComparer.Ordinal))
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"{name.Length}:{name}{value.Length}:{value}");
        }

        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>Sends the GET, following redirects within the options' limits; returns the response and the URL that gave it.</summary>
    private ValueTask<(HttpResponseMessage Response, Uri Url)> SendAsync(long offset, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, offset, cancellationToken);

    private async ValueTask<(HttpResponseMessage Response, Uri Url)> SendAsync(HttpMethod method, long offset, CancellationToken cancellationToken, RangeConditionHeaderValue? ifRange = null)
    {
        var origin = new Uri(Url);
        var at = origin;
        for (var hop = 0; ; hop++)
        {
            CheckAllowed(at);
            using var request = new HttpRequestMessage(method, at);
            // A resume asks for a range even from byte 0: its If-Range makes a changed content answer 200.
            if (offset > 0 || ifRange is not null)
            {
                request.Headers.Range = new RangeHeaderValue(offset, null);
                request.Headers.IfRange = ifRange;
            }

            if (client.DefaultRequestHeaders.UserAgent.Count == 0)
            {
                request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
            }

            // Credentials go to the origin they were given for, never to another one a redirect leads to.
            if (options.RequestHeaders.Count > 0 && SameOrigin(at, origin))
            {
                foreach (var (name, value) in options.RequestHeaders)
                {
                    request.Headers.TryAddWithoutValidation(name, value);
                }
            }

            // The signature covers this hop's own path, and is made only for the origin the source was given for.
            if (!options.SigningSecret.IsEmpty && SameOrigin(at, origin))
            {
                var expires = MemberSignature.Expires(DateTimeOffset.UtcNow);
                request.Headers.Remove(MemberSignature.HeaderName);
                request.Headers.TryAddWithoutValidation(MemberSignature.HeaderName, MemberSignature.Create(options.SigningSecret.Span, method.Method, MemberSignature.Target(at.PathAndQuery), expires));
            }

            HttpResponseMessage response;
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                timeout.CancelAfter(options.ResponseTimeout);
                try
                {
                    response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new TimeoutException($"GET {Redact(at)}: no response within {options.ResponseTimeout.TotalSeconds:0.###} s");
                }
                catch (HttpRequestException ex)
                {
                    throw new HttpRequestException($"GET {Redact(at)}: {ex.Message}", ex, ex.StatusCode);
                }
            }

            // A handler that followed redirects itself: its final URL must still be one we may fetch.
            if (response.RequestMessage?.RequestUri is { } final && final != at)
            {
                at = final;
                CheckAllowed(at, response);
            }

            if ((int)response.StatusCode is not (301 or 302 or 303 or 307 or 308))
            {
                return (response, at);
            }

            using (response)
            {
                if (response.Headers.Location is not { } location)
                {
                    throw new HttpRequestException($"GET {Redact(at)}: {(int)response.StatusCode} without a Location")
                        .WithReason(ArchiveErrorReason.SourceInvalid);
                }

                if (hop == options.MaxRedirects)
                {
                    throw new HttpRequestException($"GET {Redact(origin)}: more than {options.MaxRedirects} redirects")
                        .WithReason(ArchiveErrorReason.SourceInvalid);
                }

                at = location.IsAbsoluteUri ? location : new Uri(at, location);
            }
        }
    }

    /// <summary>True when <paramref name="a"/> and <paramref name="b"/> have the same origin: scheme, host and port.</summary>
    internal static bool SameOrigin(Uri a, Uri b) =>
        string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase)
        && a.Port == b.Port;

    /// <summary>Why <paramref name="target"/> may not be fetched (not http(s), or not allowed by the options), or null.</summary>
    internal static string? Refusal(Uri target, HttpSourceOptions options) =>
        !target.IsAbsoluteUri || (target.Scheme != Uri.UriSchemeHttp && target.Scheme != Uri.UriSchemeHttps) ? "is not an http(s) URL"
        : options.AllowUrl is { } allow && !allow(target) ? "is not in an allowed origin"
        : null;

    private void CheckAllowed(Uri target, HttpResponseMessage? response = null)
    {
        if (Refusal(target, options) is { } problem)
        {
            response?.Dispose();
            throw new HttpRequestException($"GET {Redact(target)}: {problem}").WithReason(ArchiveErrorReason.OriginNotAllowed);
        }
    }

    /// <summary>A 206 must carry the bytes asked for: from <paramref name="offset"/> to the end of the declared length.</summary>
    private void CheckContentRange(ContentRangeHeaderValue? range, long offset, string shown)
    {
        if (range is not { HasRange: true, From: { } from, To: { } to } || !string.Equals(range.Unit, "bytes", StringComparison.OrdinalIgnoreCase))
        {
            throw new HttpRequestException($"GET {shown}: 206 without a byte Content-Range (asked for bytes {offset}-)")
                .WithReason(ArchiveErrorReason.SourceInvalid);
        }

        var problem = from != offset ? $"starts at byte {from}, but byte {offset} was asked for"
            : Length is { } declared && to != declared - 1 ? $"ends at byte {to}, but the entry's last byte is {declared - 1}"
            : Length is { } total && range.Length is { } whole && whole != total ? $"says the whole is {whole} bytes, but the entry's length is {total}"
            : range.Length is { } size && to != size - 1 ? $"ends at byte {to} of {size}: not the rest of the content"
            : null;
        if (problem is not null)
        {
            throw new HttpRequestException($"GET {shown}: Content-Range 'bytes {from}-{to}/{range.Length?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "*"}' {problem}")
                .WithReason(ArchiveErrorReason.SourceInvalid);
        }
    }

    private static string LibraryVersion()
    {
        var assembly = typeof(HttpEntrySource).Assembly;
        var version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetCustomAttribute<AssemblyFileVersionAttribute>()?.Version
            ?? "0";
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? version : version[..plus];
    }
}
