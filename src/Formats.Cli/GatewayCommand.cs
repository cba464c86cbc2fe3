using System.CommandLine;
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
    private const string Intro = """
        Stands in front of an app (Django, Rails, Laravel, Express, ...) and passes every request to it unchanged,
        except that an answer with the header 'X-Archive-Files: zip' (or tar, tar.gz, tar.zst) is read as a manifest
        (nginx mod_zip's lines 'CRC32 SIZE LOCATION NAME', or JSON lines) and the archive streams in its place. Paths
        such as /files/a.txt are fetched from the upstream with the user's Cookie and Authorization; absolute URLs only
        from --allow-origin origins, without them. The app sees GET for HEAD and never the client's Range or If-*
        headers on an archive's request: the gateway answers them from the archive. See docs/gateway.md.
        """;

    /// <summary><c>formats gateway</c>: its options declared by <see cref="GatewayLine"/>.</summary>
    public static CliCommand Command(StandardStreams io)
    {
        var line = new GatewayLine();
        var command = new CliCommand("gateway", "stand in front of an app in any language and turn its X-Archive-Files answers into archives, as nginx mod_zip does")
        {
            Intro = Intro,
            Epilogue = "Logs one JSON line per archive to standard output: request id, members, bytes, duration and outcome.",
            Usage = "--upstream URL [--urls URL] [--allow-origin URL]... [limits]",
            NoOperand = "gateway takes no SOURCE ('{0}'); the app names the files",
        };
        foreach (var option in line.All)
        {
            command.Options.Add(option);
        }

        command.SetAction((result, cancellationToken) => RunAsync(result, line, io, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult line, GatewayLine gateway, StandardStreams io, CancellationToken cancellationToken)
    {
        var upstream = line.GetValue(gateway.Upstream) ?? throw new UsageException("gateway needs --upstream URL, the app to stand in front of");
        var prefix = line.GetValue(gateway.Prefix)!;
        var secret = await MemberSecretFile.ReadAsync(line.GetValue(gateway.MemberSecretFile), cancellationToken);
        var options = gateway.Options(line, upstream, secret);

        await using var app = Build(upstream, line.GetValue(gateway.Server.Urls)!, prefix, options);
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
        builder.Services.AddLargeTransportBlocks();
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
