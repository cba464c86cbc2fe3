using Formats.AspNetCore;
using Formats.Http;
using Formats.Zip;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using Yarp.ReverseProxy.Forwarder;

namespace Formats.Cli;

/// <summary>
/// <c>formats gateway --upstream URL</c>: a reverse proxy (YARP) in front of an app in any language, with the archive
/// responses middleware turning the app's <c>X-Archive-Files</c> answers into archives (nginx mod_zip's protocol).
/// </summary>
internal static class GatewayCommand
{
    public static readonly string Help = $$"""
        Usage: formats gateway --upstream URL [--urls URL] [--allow-origin URL]... [limits]

        Stands in front of an app (Django, Rails, Laravel, Express, ...) and passes every request to it unchanged,
        except that an answer with the header 'X-Archive-Files: zip' (or tar, tar.gz, tar.zst) is read as a manifest
        (nginx mod_zip's lines 'CRC32 SIZE LOCATION NAME', or JSON lines) and the archive streams in its place. Paths
        such as /files/a.txt are fetched from the upstream with the user's Cookie and Authorization; absolute URLs only
        from --allow-origin origins, without them. The app sees GET for HEAD and never the client's Range or If-*
        headers on an archive's request: the gateway answers them from the archive. See docs/gateway.md.

        Options
          --upstream URL            the app, such as http://127.0.0.1:8000 (required)
          --urls URL                where to listen (default: http://127.0.0.1:5000; only this machine can connect)
          --allow-origin URL        an http(s) origin that absolute member URLs and redirects may name; repeatable
          --prefix PATH             where the gateway's own endpoints live: PATH/healthz and PATH/metrics
                                    (Prometheus text); default /_formats; nothing under it is forwarded (404)
          --max-manifest-bytes N    the most bytes a manifest may have (default 16777216); more gives 502
          --max-members N           the most entries a manifest may have (default 100000); more gives 502
          --max-archives N          the most archives made at once (default 256); one more gets 503
          --member-timeout SECONDS  the longest wait for a member's response headers and for more of its body
                                    (default 30); after the first byte a late member aborts the download
          --min-rate N              a member slower than N bytes/s over a window fails the archive (default 1024;
                                    0: no minimum)
          --rate-window SECONDS     the window of --min-rate, also its grace period (default 30)
          --max-member-bytes N      the most bytes one member may have (default 68719476736, 64 GiB): a larger
                                    declared size gives 502 naming the line; a body that grows past it (no size
                                    in the manifest) aborts the download
          --max-manifest-bytes-in-flight N
                                    the most manifest bytes answered at once (default 67108864, 64 MiB); an
                                    archive past it gets 503, one alone always gets in
        {{ReadAheadLimits.Help}}
          --read-ahead-depth N      how many members of one download are requested ahead of the one streaming
                                    (default 4; 0: none)
          --read-ahead-buffer N     the bytes buffered ahead for each of them (default 262144, 256 KiB; at least
                                    4096); a member whose buffer stays full 5 s lets go of its connection and is asked
                                    for the rest with Range and If-Range on its turn when it had a validator and
                                    Accept-Ranges: bytes; without them it waits with its connection open
          --member-resumes N        how many times a member whose connection fails is requested again from the byte
                                    reached, with Range and If-Range, when it had a strong ETag or Last-Modified and
                                    Accept-Ranges: bytes (default 3; 0: never)
          --client-min-rate N       a client that takes fewer than N bytes/s while the archive waits for it, over a
                                    window, is disconnected and frees its place (default 2048; 0: no minimum)
          --client-rate-window SECONDS
                                    the window of --client-min-rate (default 60)
        {{CrcStores.Help}}
        {{MemberSecretFile.Help}}
          -h, --help                this help

        Logs one JSON line per archive to standard output: request id, members, bytes, duration and outcome.
        """;

    private static readonly Dictionary<string, string> Valued = ReadAheadLimits.With(new(StringComparer.Ordinal)
    {
        ["--max-manifest-bytes-in-flight"] = "max-manifest-bytes-in-flight",
        ["--upstream"] = "upstream",
        ["--urls"] = "urls",
        ["--prefix"] = "prefix",
        ["--max-manifest-bytes"] = "max-manifest-bytes",
        ["--max-members"] = "max-members",
        ["--max-archives"] = "max-archives",
        ["--member-timeout"] = "member-timeout",
        ["--min-rate"] = "min-rate",
        ["--rate-window"] = "rate-window",
        ["--max-member-bytes"] = "max-member-bytes",
        ["--client-min-rate"] = "client-min-rate",
        ["--client-rate-window"] = "client-rate-window",
        ["--crc-store"] = "crc-store",
        ["--member-secret-file"] = "member-secret-file",
        ["--read-ahead-depth"] = "read-ahead-depth",
        ["--read-ahead-buffer"] = "read-ahead-buffer",
        ["--member-resumes"] = "member-resumes",
    });

    public static async Task<int> RunAsync(IEnumerable<string> args, StandardStreams io, CancellationToken cancellationToken)
    {
        List<string> all = [.. args];
        MemberSecretFile.RefuseOnCommandLine(all);
        var (rest, origins) = ServeCommand.TakeRepeated(all, "--allow-origin");
        var line = CommandLine.Parse(rest, Valued, ArchiveCommand.Flags);
        if (line.Flag("help"))
        {
            await io.Out.WriteAsync(Help);
            return 0;
        }

        if (line.Operands.Count > 0)
        {
            throw new UsageException($"gateway takes no SOURCE ('{line.Operands[0]}'); the app names the files");
        }

        var upstream = line.Value("upstream") is { } text ? ParseUpstream(text) : throw new UsageException("gateway needs --upstream URL, the app to stand in front of");
        var prefix = line.Value("prefix") ?? "/_formats";
        if (!prefix.StartsWith('/') || prefix.Length < 2 || prefix.EndsWith('/') || prefix.Any(char.IsControl) || prefix.Contains('?', StringComparison.Ordinal))
        {
            throw new UsageException($"--prefix: '{prefix}' is not a path such as /_formats");
        }

        var secret = await MemberSecretFile.ReadAsync(line.Path("member-secret-file"), cancellationToken);
        var defaults = new ArchiveResponseOptions();
        var timeout = TimeSpan.FromSeconds(line.Number("member-timeout", 1, 86_400) ?? (long)HttpSourceOptions.Default.ResponseTimeout.TotalSeconds);
        var options = new ArchiveResponseOptions
        {
            MemberOrigin = upstream,
            MemberSecret = secret,
            AllowedOrigins = [.. origins.Select(ServeOptions.ParseOrigin)],
            MaxManifestBytes = line.Number("max-manifest-bytes", 0, long.MaxValue) ?? defaults.MaxManifestBytes,
            MaxMembers = (int)(line.Number("max-members", 0, int.MaxValue) ?? defaults.MaxMembers),
            MaxConcurrentArchives = (int)(line.Number("max-archives", 1, int.MaxValue) ?? defaults.MaxConcurrentArchives),
            MaxManifestBytesInFlight = line.Number("max-manifest-bytes-in-flight", 0, long.MaxValue) ?? defaults.MaxManifestBytesInFlight,
            ReadAheadBudget = ReadAheadLimits.Budget(line),
            ReadAheadDepth = (int)(line.Number("read-ahead-depth", 0, 1024) ?? defaults.ReadAheadDepth),
            ReadAheadBufferBytes = (int)(line.Number("read-ahead-buffer", 4096, 1L << 30) ?? defaults.ReadAheadBufferBytes),
            ZipOptions = new ZipWriterOptions { Method = ZipCompressionMethod.Stored, CrcStore = CrcStores.Open(line.Path("crc-store")) },
            MinimumClientBytesPerSecond = line.Number("client-min-rate", 0, long.MaxValue) ?? defaults.MinimumClientBytesPerSecond,
            ClientRateWindow = TimeSpan.FromSeconds(line.Number("client-rate-window", 1, 86_400) ?? (long)defaults.ClientRateWindow.TotalSeconds),
            Http = new HttpSourceOptions
            {
                ResponseTimeout = timeout,
                IdleTimeout = timeout,
                MinimumBytesPerSecond = line.Number("min-rate", 0, long.MaxValue) ?? HttpSourceOptions.Default.MinimumBytesPerSecond,
                RateWindow = TimeSpan.FromSeconds(line.Number("rate-window", 1, 86_400) ?? (long)HttpSourceOptions.Default.RateWindow.TotalSeconds),
                MaxMemberBytes = line.Number("max-member-bytes", 0, long.MaxValue) ?? HttpSourceOptions.Default.MaxMemberBytes,
                MaxResumes = (int)(line.Number("member-resumes", 0, 100) ?? HttpSourceOptions.Default.MaxResumes),
            },
        };

        await using var app = Build(upstream, line.Urls("http://127.0.0.1:5000"), prefix, options);
        await ServerRun.RunAsync(app, () => $"formats: gateway to {upstream} at {string.Join(", ", app.Urls)}; health and metrics under {prefix} (Ctrl-C stops)", io.Error, cancellationToken);
        return 0;
    }

    /// <summary>The gateway: its own endpoints under <paramref name="prefix"/>, everything else through the middleware to YARP.</summary>
    public static WebApplication Build(Uri upstream, string urls, string prefix, ArchiveResponseOptions options, bool logArchives = true)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(urls);

        // Header bytes pass through as the app sent them (HttpClient reads them as Latin-1, one char per byte): an app's
        // Latin-1 file name must not turn a download into an empty 502. Archives re-encode the app's name as ASCII.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ResponseHeaderEncodingSelector = _ => System.Text.Encoding.Latin1);
        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole(json => json.UseUtcTimestamp = true);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        CliApp.LeaveStartFailureToTheErrorLine(builder.Logging);
        builder.Logging.AddFilter("Formats.AspNetCore.ArchiveResponses", logArchives ? LogLevel.Information : LogLevel.Warning);
        builder.Logging.AddFilter("Formats.AspNetCore.ResilientCrcStore", LogLevel.Information);
        builder.Services.AddHttpForwarder();
        builder.Services.AddArchiveResponses();

        // Health: "Healthy", or "Degraded" while the CRC store fails (archives go on without it); 200 either way.
        if (options.ZipOptions.CrcStore is ResilientCrcStore crcStore)
        {
            builder.Services.AddResilientCrcStore(crcStore);
        }
        else
        {
            builder.Services.AddHealthChecks();
        }

        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(ArchiveMeters.AspNetCore, ArchiveMeters.Http)
            .AddPrometheusExporter());

        var app = builder.Build();
        app.MapHealthChecks(prefix + "/healthz");
        app.MapPrometheusScrapingEndpoint(prefix + "/metrics");

        // Nothing else under the prefix reaches the app (an app's catch-all route would answer it, manifests included):
        // the prefix and every path under it that is not one of the gateway's own endpoints is a 404, for any method.
        app.Map(prefix, () => Results.NotFound());
        app.Map(prefix + "/{**rest}", () => Results.NotFound());
        app.UseWhen(context => !context.Request.Path.StartsWithSegments(prefix, StringComparison.Ordinal), branch => branch.UseArchiveResponses(options));
        app.MapForwarder("/{**path}", upstream.GetLeftPart(UriPartial.Path).TrimEnd('/'), ForwarderRequestConfig.Empty, new GatewayTransformer());
        return app;
    }

    private static Uri ParseUpstream(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)
            || url.UserInfo.Length > 0 || url.Query.Length > 0 || url.Fragment.Length > 0)
        {
            throw new UsageException($"--upstream: '{text}' is not an http(s) URL such as http://127.0.0.1:8000");
        }

        return url;
    }

    /// <summary>YARP's default transforms, and the archive middleware's say on whether an upstream body is copied.</summary>
    private sealed class GatewayTransformer : HttpTransformer
    {
        public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
        {
            await Default.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);

            // Only the gateway signs: a client's own signature header never reaches the app.
            proxyRequest.Headers.Remove(MemberSignature.HeaderName);
        }

        public override async ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
        {
            var copy = await Default.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
            return copy && proxyResponse is not null
                ? await ArchiveResponses.ShouldCopyBodyAsync(httpContext, proxyResponse, cancellationToken)
                : copy;
        }

        public override ValueTask TransformResponseTrailersAsync(HttpContext httpContext, HttpResponseMessage proxyResponse, CancellationToken cancellationToken) =>
            Default.TransformResponseTrailersAsync(httpContext, proxyResponse, cancellationToken);
    }
}
