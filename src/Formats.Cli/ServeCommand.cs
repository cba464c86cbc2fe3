using System.Net;
using System.Text;
using Formats.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Formats.Cli;

/// <summary><c>formats serve [--root DIR] [--urls URL]</c>: a download page over a folder, and a manifest endpoint.</summary>
internal static class ServeCommand
{
    public const string Help = """
        Usage: formats serve [--root DIR] [--urls URL]

        Serves a page listing the files under DIR, with checkboxes and "Download as ZIP / TAR / TAR.GZ" buttons:
        the archive is generated while it is sent, with Content-Length and byte ranges where the format allows.
        POST a manifest (mod_zip lines or JSON lines of remote URLs) to /manifest?format=zip|tar|tar.gz|tar.zst to
        get an archive of files that live on other servers.

        Options
          --root DIR    the folder to offer (default: ./docs when it exists, else the current folder)
          --urls URL    where to listen (default: http://127.0.0.1:5000; only this machine can connect)
          -h, --help    this help
        """;

    public static async Task<int> RunAsync(IEnumerable<string> args, StandardStreams io, CancellationToken cancellationToken)
    {
        var line = CommandLine.Parse(args, new Dictionary<string, string>(StringComparer.Ordinal) { ["--root"] = "root", ["--urls"] = "urls" }, ArchiveCommand.Flags);
        if (line.Flag("help"))
        {
            await io.Out.WriteAsync(Help);
            return 0;
        }

        if (line.Operands.Count > 0)
        {
            throw new UsageException($"serve takes no SOURCE ('{line.Operands[0]}'); use --root");
        }

        var root = line.Value("root") ?? (Directory.Exists("docs") ? "docs" : ".");
        if (!Directory.Exists(root))
        {
            throw new UsageException($"--root: '{root}' is not a folder");
        }

        await using var app = Build(Path.GetFullPath(root), line.Value("urls") ?? "http://127.0.0.1:5000");
        await app.StartAsync(cancellationToken);
        await io.Out.WriteLineAsync($"formats: serving {Path.GetFullPath(root)} at {string.Join(", ", app.Urls)} (Ctrl-C stops)");
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }

        await app.StopAsync(CancellationToken.None);
        return 0;
    }

    /// <summary>The web app: the page at /, archives of local files at /download, archives of manifests at /manifest.</summary>
    public static WebApplication Build(string root, string urls)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(urls);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddHttpClient();
        var app = builder.Build();

        app.MapGet("/", () => Results.Content(Page(root), "text/html; charset=utf-8"));
        app.MapMethods("/download", ["GET", "HEAD"], (HttpRequest request) =>
        {
            if (!ArchiveFormats.TryParse(request.Query["format"], out var format))
            {
                return BadRequest("format must be zip, tar, tar.gz or tar.zst");
            }

            var items = new List<ArchiveItem>();
            foreach (var relative in request.Query["file"])
            {
                var path = Path.GetFullPath(Path.Combine(root, relative ?? ""));
                if (!path.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal) || !File.Exists(path))
                {
                    return BadRequest($"'{relative}' is not a file under the served folder");
                }

                var info = new FileInfo(path);
                items.Add(new ArchiveItem(
                    new ArchiveEntry(Path.GetRelativePath(root, path).Replace('\\', '/')) { Length = info.Length, LastModified = info.LastWriteTimeUtc },
                    EntrySource.FromFile(path)));
            }

            return items.Count == 0 ? BadRequest("choose at least one file") : new ArchiveResult(items, format, Path.GetFileName(root));
        });
        app.MapPost("/manifest", async (HttpRequest request, IHttpClientFactory clients) =>
        {
            if (!ArchiveFormats.TryParse(request.Query["format"], out var format))
            {
                return BadRequest("format must be zip, tar, tar.gz or tar.zst");
            }

            using var reader = new StreamReader(request.Body, Encoding.UTF8);
            var text = await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
            try
            {
                // Remote URLs only: a manifest must not read this server's files.
                var items = ArchiveManifest.Parse(text, clients.CreateClient("formats"));
                return new ArchiveResult(items, format, request.Query["name"].FirstOrDefault() ?? "download");
            }
            catch (FormatException ex)
            {
                return BadRequest(ex.Message);
            }
        });
        return app;
    }

    /// <summary>A 400 with a plain-text reason (no JSON, so nothing needs serializer metadata under NativeAOT).</summary>
    private static IResult BadRequest(string reason) => Results.Text(reason, "text/plain; charset=utf-8", statusCode: StatusCodes.Status400BadRequest);

    private static string Page(string root)
    {
        var files = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(root, p).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToList();
        var rows = new StringBuilder();
        foreach (var file in files)
        {
            var size = new FileInfo(Path.Combine(root, file)).Length;
            var encoded = WebUtility.HtmlEncode(file);
            rows.Append($"<li><label><input type=\"checkbox\" name=\"file\" value=\"{encoded}\" checked> {encoded}</label> <small>{size:N0} bytes</small></li>\n");
        }

        return $$"""
            <!doctype html>
            <html lang="en">
            <head><meta charset="utf-8"><title>formats: {{WebUtility.HtmlEncode(Path.GetFileName(root))}}</title>
            <style>body{font-family:system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem}ul{list-style:none;padding:0}li{margin:.3rem 0}button{margin-right:.5rem;padding:.4rem .8rem}</style>
            </head>
            <body>
            <h1>{{WebUtility.HtmlEncode(Path.GetFileName(root))}}</h1>
            <p>Pick files; the archive is generated while it downloads.</p>
            <form method="get" action="download">
            <ul>
            {{rows}}</ul>
            <button id="zip" type="submit" name="format" value="zip">Download as ZIP</button>
            <button id="tar" type="submit" name="format" value="tar">Download as TAR</button>
            <button id="targz" type="submit" name="format" value="tar.gz">Download as TAR.GZ</button>
            </form>
            </body>
            </html>
            """;
    }
}
