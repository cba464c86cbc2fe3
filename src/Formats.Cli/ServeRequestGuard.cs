using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HostFiltering;
using Microsoft.Extensions.DependencyInjection;

namespace Formats.Cli;

/// <summary>
/// What keeps other web sites out of <c>formats serve</c> through a browser on the same machine: requests must name this
/// server in <c>Host</c> (DNS rebinding points a foreign name at 127.0.0.1), and a POST must come from the server's own
/// page, not from a form or fetch of another origin.
/// </summary>
internal static class ServeRequestGuard
{
    /// <summary>The names of this machine that are always accepted.</summary>
    private static readonly string[] LoopbackHosts = ["localhost", "127.0.0.1", "[::1]"];

    /// <summary>Listening hosts that name no host a browser would send (every address of the machine).</summary>
    private static readonly string[] Wildcards = ["*", "+", "0.0.0.0", "[::]"];

    /// <summary>
    /// The accepted <c>Host</c> names (ports aside): the loopback names, the hosts of <paramref name="urls"/> (';'-separated,
    /// wildcards such as 0.0.0.0 add nothing) and <paramref name="extra"/> (<c>--allowed-host</c>).
    /// </summary>
    public static List<string> AllowedHosts(string urls, IEnumerable<string> extra)
    {
        var hosts = new List<string>(LoopbackHosts);
        foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (HostOf(url) is { } host && !Wildcards.Contains(host, StringComparer.Ordinal))
            {
                hosts.Add(host);
            }
        }

        hosts.AddRange(extra);
        return [.. hosts.Distinct(StringComparer.OrdinalIgnoreCase)];
    }

    /// <summary>The host of a Kestrel URL ("http://name:5000/", "http://[::1]:80", "http://*:5000"); null when there is none.</summary>
    private static string? HostOf(string url)
    {
        var start = url.IndexOf("://", StringComparison.Ordinal);
        var rest = start < 0 ? url : url[(start + 3)..];
        var end = rest.StartsWith('[') ? rest.IndexOf(']', StringComparison.Ordinal) + 1 : rest.IndexOfAny([':', '/']);
        var host = end <= 0 ? rest : rest[..end];
        return host.Length == 0 ? null : host.ToLowerInvariant();
    }

    /// <summary>Parses an <c>--allowed-host</c> value: a host name or address, without scheme, port or path.</summary>
    public static string ParseAllowedHost(string text)
    {
        var host = text.Trim();
        if (host.Length == 0 || host.AsSpan().IndexOfAny("/:@ ") >= 0 && !(host.StartsWith('[') && host.EndsWith(']')) || Uri.CheckHostName(host.Trim('[', ']')) == UriHostNameType.Unknown)
        {
            throw new UsageException($"--allowed-host: '{text}' is not a host name such as files.example.com or 192.168.1.20 (no scheme, port or path)");
        }

        return host.ToLowerInvariant();
    }

    /// <summary>Host filtering: a request naming any other host gets 400 before any endpoint runs.</summary>
    public static void AddHostFilter(IServiceCollection services, IReadOnlyList<string> hosts) =>
        services.Configure<HostFilteringOptions>(options =>
        {
            options.AllowedHosts = [.. hosts];
            options.AllowEmptyHosts = false;
            options.IncludeFailureMessage = true;
        });

    /// <summary>
    /// Refuses (403) a POST that a browser sent from another origin: its <c>Origin</c> is not this server's own
    /// (scheme and Host of the request), or, without <c>Origin</c>, <c>Sec-Fetch-Site</c> says another site or origin.
    /// Clients that send neither (curl, scripts) are not browsers acting for a foreign page, and pass.
    /// </summary>
    public static void UseSameOriginPosts(WebApplication app) =>
        app.Use(async (context, next) =>
        {
            var request = context.Request;
            if (HttpMethods.IsPost(request.Method) && ForeignOrigin(request) is { } refused)
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                context.Response.ContentType = "text/plain; charset=utf-8";
                await context.Response.WriteAsync($"{refused}: a POST must come from this server's own page ({request.Scheme}://{request.Host})", context.RequestAborted);
                return;
            }

            await next(context);
        });

    private static string? ForeignOrigin(HttpRequest request)
    {
        var own = $"{request.Scheme}://{request.Host}";
        if (request.Headers.Origin is { Count: > 0 } origin)
        {
            return string.Equals(origin.ToString(), own, StringComparison.OrdinalIgnoreCase) ? null : $"Origin '{origin}' is not this server";
        }

        var site = request.Headers["Sec-Fetch-Site"].ToString();
        return site.Length == 0 || site is "same-origin" or "none" ? null : $"Sec-Fetch-Site '{site}'";
    }
}
