using System.IO.Compression;
using System.Text;
using Formats.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Formats.AspNetCore;

/// <summary>The manifest's members: where they are fetched from, with which credentials, and how the manifest is read.</summary>
internal sealed partial class ArchiveResponseMiddleware
{
    /// <summary>The options' member limits, with the app's meters (the meter Formats.Http) unless the options name others.</summary>
    private readonly HttpSourceOptions _http = options.Http.MeterFactory is null ? options.Http with { MeterFactory = meters } : options.Http;

    /// <summary>
    /// The manifest's entries: paths on the member origin fetched with the user's credentials, absolute URLs only in the
    /// allowed origins and without them. A refused location fails here, before any member is fetched.
    /// </summary>
    private async Task<IReadOnlyList<ArchiveItem>> ParseAsync(HttpContext context, ReadOnlyMemory<byte> manifest, ManifestHeaders headers)
    {
        // The captured bytes as they are (an array behind the capture buffer), not a copy of up to the manifest limit.
        var bytes = System.Runtime.InteropServices.MemoryMarshal.TryGetArray(manifest, out var segment) ? segment : new ArraySegment<byte>(manifest.ToArray());
        using var stream = new MemoryStream(bytes.Array!, bytes.Offset, bytes.Count, writable: false);
        return await ParseAsync(context, stream, headers, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>The manifest's entries as <paramref name="body"/> (the app's body, its Content-Encoding not yet undone) gives them.</summary>
    private async Task<IReadOnlyList<ArchiveItem>> ParseAsync(HttpContext context, Stream body, ManifestHeaders headers, CancellationToken cancellationToken)
    {
        var (names, passHeaders, contentEncoding) = ((headers.Charset, headers.NameSeparator), headers.PassHeaders, headers.ContentEncoding);
        // mod_zip compares only the start ("native;" as its README writes it is native too).
        var charset = names.Charset.TrimEnd(';').Trim();
        var native = charset.Equals("native", StringComparison.OrdinalIgnoreCase);
        var request = context.Request;
        var origin = options.MemberOrigin ?? OwnOrigin(context);
        var allowed = options.AllowedOrigins;
        // Members come through the app's one member client (ArchiveMemberClient): redirects are followed by the sources
        // (each hop checked), and cookies are the user's, never kept.
        var client = options.HttpClient ?? clients.CreateClient(ArchiveMemberClient.Name);
        var http = _http;

        bool IsAllowed(Uri url) => allowed.Any(o => HttpEntrySource.SameOrigin(o, url));
        bool IsMemberOriginOrAllowed(Uri url) => HttpEntrySource.SameOrigin(origin, url) || IsAllowed(url);

        // Only the member origin's sources sign: relative locations that resolve to it (the manifest opens any other
        // origin anonymously), and each source signs only for the origin it was given for.
        var credentialed = http.WithAccess(IsMemberOriginOrAllowed, Credentials(request, passHeaders), options.MemberSecret);
        var anonymous = http.WithAccess(IsAllowed, [], ReadOnlyMemory<byte>.Empty);
        Encoding? encoding = null;
        if (charset.Length > 0 && !native && !charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                // The code pages (windows-1251, cp866, shift_jis, ...) ship with .NET but are not registered by default.
                encoding = CodePagesEncodingProvider.Instance.GetEncoding(charset) ?? Encoding.GetEncoding(charset);
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
            NameSeparator = names.NameSeparator,
            NativeNames = native,
        };
        var stream = Decoded(body, contentEncoding);
        await using (stream.ConfigureAwait(false))
        {
            return await ArchiveManifest.ParseAsync(stream, parse, cancellationToken).ConfigureAwait(false);
        }
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
        || name.Equals(MemberSignature.HeaderName, StringComparison.OrdinalIgnoreCase)
        || name.Equals(HeaderNames.ContentLength, StringComparison.OrdinalIgnoreCase)
        || name.Equals(HeaderNames.TransferEncoding, StringComparison.OrdinalIgnoreCase)
        || name.Equals(HeaderNames.Connection, StringComparison.OrdinalIgnoreCase)
        || name.Equals(HeaderNames.AcceptEncoding, StringComparison.OrdinalIgnoreCase);

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
}
