using System.CommandLine;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text;
using Formats.AspNetCore;
using Formats.Http;
using Formats.Zip;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Formats.Cli;

/// <summary><c>formats serve [--root DIR] [--urls URL] [--allow-origin URL]...</c>: a download page over a folder, and a manifest endpoint.</summary>
internal static class ServeCommand
{
    private const string Intro = """
        Serves a page listing the files under DIR, with checkboxes and "Download as ZIP / TAR / TAR.GZ" buttons:
        the archive is generated while it is sent, with Content-Length and byte ranges where the format allows.
        POST a manifest (mod_zip lines or JSON lines of remote URLs) to /manifest?format=zip|tar|tar.gz|tar.zst to
        get an archive of files that live on other servers.

        The same files or manifest give the same bytes and ETag in every request and after a restart: entries
        without a time get 1980-01-01, never the clock. Links under DIR are followed only while they stay under it.
        """;

    /// <summary><c>formats serve</c>: one declaration per option, the shared ones in <see cref="ServerLine"/>.</summary>
    public static CliCommand Command(StandardStreams io)
    {
        var defaults = new ServeOptions();
        var server = new ServerLine(
            new(Origins: "an http(s) origin (scheme://host[:port]) that manifest URLs may name; repeatable. Redirects stay within these origins, at most 5. Default: none, so /manifest fetches nothing until origins are allowed",
                Members: "a manifest (or a pick of files)",
                TooLarge: "",
                Upstream: "an upstream slower than N bytes/s over a window fails its entry",
                MemberBytes: "the most bytes one manifest URL may give: a larger declared size is refused, a body that grows past it fails its entry",
                SlowClient: "is disconnected"),
            defaults.MaxMembers, defaults.MaxManifestBytes, defaults.MinimumClientBytesPerSecond, defaults.ClientRateWindow);
        var root = CliOptions.Path("--root", "DIR", "the folder to offer (default: ./docs when it exists, else the current folder)");
        var hosts = CliOptions.Repeated("--allowed-host", "NAME",
            "a host name (or address) that requests may name in Host, besides localhost, 127.0.0.1, [::1] and the hosts of --urls; repeatable. Other names get 400, and a POST from another origin's page gets 403",
            ServeRequestGuard.ParseAllowedHost);
        var command = new CliCommand("serve", "a download page over a folder, and a manifest endpoint")
        {
            Intro = Intro,
            Usage = "[--root DIR] [--urls URL] [--allow-origin URL]... [--allowed-host NAME]... [limits]",
            NoOperand = "serve takes no SOURCE ('{0}'); use --root",
        };
        foreach (var option in (Option[])[root, server.Urls, hosts, server.AllowOrigin, server.MaxMembers, server.MaxManifestBytes, server.MinRate, server.RateWindow, server.MaxMemberBytes, .. server.ReadAhead, .. server.ClientAndStore])
        {
            command.Options.Add(option);
        }

        command.SetAction((line, cancellationToken) => RunAsync(line, server, line.GetValue(root), line.GetValue(hosts)!, io, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult line, ServerLine server, string? rootOption, string[] hosts, StandardStreams io, CancellationToken cancellationToken)
    {
        var root = rootOption ?? (Directory.Exists("docs") ? "docs" : ".");
        if (!Directory.Exists(root))
        {
            throw new UsageException($"--root: '{root}' is not a folder");
        }

        var options = new ServeOptions
        {
            AllowedOrigins = line.GetValue(server.AllowOrigin)!,
            AllowedHosts = hosts,
            MaxMembers = (int)line.GetValue(server.MaxMembers),
            MaxManifestBytes = line.GetValue(server.MaxManifestBytes),
            CrcStore = CrcStores.Open(line.GetValue(server.CrcStore)),
            ReadAheadBudget = server.Budget(line),
            MinimumClientBytesPerSecond = line.GetValue(server.ClientMinRate),
            ClientRateWindow = server.ClientWindow(line),
            Http = server.Http(line),
        };
        await using var app = Build(Path.GetFullPath(root), line.GetValue(server.Urls)!, options);
        await ServerRun.RunAsync(app, () => $"formats: serving {Path.GetFullPath(root)} at {string.Join(", ", app.Urls)} (Ctrl-C stops)", io.Out, cancellationToken);
        return 0;
    }

    /// <summary>The web app: the page at /, archives of local files at /download, archives of manifests at /manifest.</summary>
    public static WebApplication Build(string root, string urls, ServeOptions? options = null)
    {
        options ??= new ServeOptions();
        var realRoot = RealPath.Resolve(root) ?? throw new UsageException($"--root: '{root}' has a loop of links");
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(urls);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("Formats.AspNetCore.ResilientCrcStore", LogLevel.Information);

        // Every store behind the breaker: a failing one costs a download at most one short timeout.
        var crcStore = options.CrcStore as ResilientCrcStore ?? new ResilientCrcStore(options.CrcStore ?? ArchiveResult.SharedCrcStore);
        builder.Services.AddResilientCrcStore(crcStore);

        // The web defaults of the slim builder run HostFiltering first; these are its names.
        ServeRequestGuard.AddHostFilter(builder.Services, ServeRequestGuard.AllowedHosts(urls, options.AllowedHosts));

        CliApp.LeaveStartFailureToTheErrorLine(builder.Logging);

        // Redirects are followed by the entry sources, which check every hop's origin.
        builder.Services.AddArchiveMemberClient();
        builder.Services.AddLargeTransportBlocks();
        var app = builder.Build();
        ServeRequestGuard.UseSameOriginPosts(app);
        var http = options.Http.WithAccess(options.Allows, [], ReadOnlyMemory<byte>.Empty) with { MeterFactory = app.Services.GetRequiredService<IMeterFactory>() };

        // Health: "Healthy", or "Degraded" while the CRC store fails (downloads go on without it); 200 either way.
        app.MapHealthChecks("/healthz");

        // Stored members (sized, ranged), with CRC-32s remembered where the options say, so resumes need not read the
        // members before the cut.
        var zipOptions = new ZipWriterOptions { Method = ZipCompressionMethod.Stored, CrcStore = crcStore };
        ArchiveResult Result(IEnumerable<ArchiveItem> items, ArchiveFormat format, string name) => new(items, format, name)
        {
            ZipOptions = zipOptions,
            ReadAheadBudget = options.ReadAheadBudget,
            MinimumClientBytesPerSecond = options.MinimumClientBytesPerSecond,
            ClientRateWindow = options.ClientRateWindow,
        };

        app.MapGet("/", () => Results.Content(ServePage.Render(root, realRoot), "text/html; charset=utf-8"));
        app.MapMethods("/download", ["GET", "HEAD"], (HttpRequest request) =>
        {
            if (!ArchiveFormats.TryParse(request.Query["format"], out var format))
            {
                return BadRequest("format must be zip, tar, tar.gz or tar.zst");
            }

            if (request.Query["file"].Count > options.MaxMembers)
            {
                return TooLarge($"{request.Query["file"].Count} files picked; the limit is {options.MaxMembers} (--max-members)");
            }

            var items = new List<ArchiveItem>();
            foreach (var relative in request.Query["file"])
            {
                if (ControlCharacter(relative ?? "") is { } refused)
                {
                    return BadRequest(refused);
                }

                // The real path, every link resolved, must stay under the real root: a link may not lead outside.
                var path = Path.GetFullPath(Path.Combine(root, relative ?? ""));
                var real = RealPath.Resolve(path);
                if (!path.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal) || !RealPath.IsUnder(real, realRoot) || !RealPath.IsRegularFile(real))
                {
                    return BadRequest($"'{relative}' is not a file under the served folder");
                }

                var info = new FileInfo(real!);
                items.Add(new ArchiveItem(
                    new ArchiveEntry(Path.GetRelativePath(root, path).Replace('\\', '/')) { Length = info.Length, LastModified = info.LastWriteTimeUtc },
                    new ServeFileSource(realRoot, real!)));
            }

            return items.Count == 0 ? BadRequest("choose at least one file") : Result(items, format, Path.GetFileName(root));
        });
        app.MapPost("/manifest", async (HttpRequest request, IHttpClientFactory clients) =>
        {
            if (!ArchiveFormats.TryParse(request.Query["format"], out var format))
            {
                return BadRequest("format must be zip, tar, tar.gz or tar.zst");
            }

            var name = request.Query["name"].Count == 0 ? "download" : request.Query["name"].ToString();
            if (name.Length == 0 || name.Any(char.IsControl) || name.Contains('/', StringComparison.Ordinal) || name.Contains('\\', StringComparison.Ordinal))
            {
                return BadRequest("name must be a file name: not empty, one name, no '/', '\\' or control characters");
            }

            if (request.ContentLength > options.MaxManifestBytes)
            {
                return TooLarge($"manifest is {request.ContentLength} bytes; the limit is {options.MaxManifestBytes} (--max-manifest-bytes)");
            }

            if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
            {
                bodySize.MaxRequestBodySize = options.MaxManifestBytes + 1;
            }

            var client = clients.CreateClient(ArchiveMemberClient.Name);
            try
            {
                // Remote URLs only, in allowed origins: a manifest must not read this server's files or reach other hosts.
                var items = await ArchiveManifest.ParseAsync(request.Body, new ArchiveManifestOptions
                {
                    OpenUrl = (url, size) => EntrySource.FromUrl(client, url, size, http),
                    MaxMembers = options.MaxMembers,
                    MaxBytes = options.MaxManifestBytes,
                }, request.HttpContext.RequestAborted);
                return Result(items, format, name);
            }
            catch (ManifestLimitException ex)
            {
                return TooLarge($"{ex.Message}; see --max-members and --max-manifest-bytes");
            }
            catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                return TooLarge($"manifest is larger than {options.MaxManifestBytes} bytes (the limit); see --max-manifest-bytes");
            }
            catch (FormatException ex)
            {
                return BadRequest(ex.Message);
            }
        });
        return app;
    }

    /// <summary>The refusal of a picked path with a control character (NUL included), named as the name policy names it.</summary>
    private static string? ControlCharacter(string relative)
    {
        var at = relative.AsSpan().IndexOfAnyInRange('\0', '\u001f');
        at = at >= 0 ? at : relative.IndexOf('\u007f', StringComparison.Ordinal);
        return at < 0 ? null : new InvalidEntryNameException(relative, EntryNameRule.ControlCharacter, $"name has {(relative[at] == '\0' ? "NUL" : $"control character U+{(int)relative[at]:X4}")} at index {at}").Message;
    }

    private static IResult TooLarge(string reason) => Results.Text(reason, "text/plain; charset=utf-8", statusCode: StatusCodes.Status413PayloadTooLarge);

    /// <summary>A 400 with a plain-text reason (no JSON, so nothing needs serializer metadata under NativeAOT).</summary>
    private static IResult BadRequest(string reason) => Results.Text(reason, "text/plain; charset=utf-8", statusCode: StatusCodes.Status400BadRequest);
}
