using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Formats.AspNetCoreTests;

/// <summary>
/// A real Django app (Debian's python3-django, run by /usr/bin/python3) on a free 127.0.0.1 port, playing the app a
/// gateway stands in front of: a login that sets a signed-cookie session, files it serves only to that session, views
/// that answer with manifests (X-Archive-Files), plain pages, and a log of every request it received with its Range
/// and If-* headers.
/// </summary>
public sealed class DjangoApp : IAsyncDisposable
{
    private const string Source = """
        import os, sys, threading, zlib
        from urllib.parse import quote
        from django.conf import settings

        ROOT = os.environ["FILES_ROOT"]
        LOG = os.environ["REQUEST_LOG"]
        FORBIDDEN = os.environ["FORBIDDEN_ORIGIN"]
        settings.configure(
            DEBUG=False, ALLOWED_HOSTS=["127.0.0.1"], ROOT_URLCONF=__name__, SECRET_KEY="test-only-not-secret",
            INSTALLED_APPS=["django.contrib.sessions"],
            SESSION_ENGINE="django.contrib.sessions.backends.signed_cookies",
            MIDDLEWARE=[__name__ + ".log_requests", "django.contrib.sessions.middleware.SessionMiddleware",
                        "django.middleware.http.ConditionalGetMiddleware"],
            LOGGING_CONFIG=None)

        from django.http import FileResponse, HttpResponse, HttpResponseForbidden
        from django.urls import path

        lock = threading.Lock()

        def log_requests(get_response):
            def middleware(request):
                meta = request.META
                line = " ".join([request.method, request.get_full_path(),
                                 "range=" + meta.get("HTTP_RANGE", "-"), "if-range=" + meta.get("HTTP_IF_RANGE", "-"),
                                 "if-none-match=" + meta.get("HTTP_IF_NONE_MATCH", "-"),
                                 "session=" + ("yes" if "sessionid" in request.COOKIES else "no"),
                                 "pass=" + meta.get("HTTP_X_TENANT", "-")])
                with lock, open(LOG, "a") as log:
                    log.write(line + "\n")
                return get_response(request)
            return middleware

        def login(request):
            request.session["user"] = "alice"
            return HttpResponse("logged in\n", content_type="text/plain")

        def files(request, name):
            if request.session.get("user") != "alice":
                return HttpResponseForbidden("log in first\n")
            return FileResponse(open(os.path.join(ROOT, name), "rb"))

        # The view of docs/gateway.md: one manifest line per file the user may have.
        def archive(request, fmt):
            lines = []
            for name in sorted(os.listdir(ROOT)):
                with open(os.path.join(ROOT, name), "rb") as f:
                    data = f.read()
                crc = "-" if request.GET.get("crc") == "no" else "%08x" % zlib.crc32(data)
                lines.append("%s %d /files/%s photos/%s\n" % (crc, len(data), quote(name), name))
            lines.append("0 0 @directory photos/empty\n")
            response = HttpResponse("".join(lines), content_type="text/plain")
            response["X-Archive-Files"] = fmt
            response["X-Archive-Pass-Headers"] = "X-Tenant"
            response["Content-Disposition"] = 'attachment; filename="photos.%s"' % fmt
            response["Last-Modified"] = "Mon, 01 Jan 2024 00:00:00 GMT"
            response["Cache-Control"] = "private, max-age=60"
            return response

        def external(request):
            response = HttpResponse("- 4 %s/secret.bin secret.bin\n" % FORBIDDEN, content_type="text/plain")
            response["X-Archive-Files"] = "zip"
            return response

        def charset(request):
            name = "\u0444\u043e\u0442\u043e.txt"
            body = ("- 3 /files/a.txt %s\n" % name).encode("windows-1251")
            response = HttpResponse(body, content_type="text/plain")
            response["X-Archive-Files"] = "zip"
            response["X-Archive-Charset"] = "windows-1251"
            return response

        def page(request):
            return HttpResponse("<!doctype html><title>app</title><p>a plain page\n", content_type="text/html")

        def blob(request):
            return HttpResponse(bytes(range(256)) * 4096, content_type="application/octet-stream")

        urlpatterns = [
            path("login/", login), path("files/<str:name>", files), path("archive/<str:fmt>/", archive),
            path("external/", external), path("charset/", charset), path("page/", page), path("blob/", blob),
        ]

        if __name__ == "__main__":
            from django.core.management import execute_from_command_line
            execute_from_command_line(sys.argv)
        """;

    private readonly Process _process;
    private readonly string _folder;

    private DjangoApp(Process process, string folder, Uri baseUri)
    {
        _process = process;
        _folder = folder;
        BaseUri = baseUri;
    }

    public Uri BaseUri { get; }

    /// <summary>The folder whose files the app serves (and lists in its manifests).</summary>
    public string Files => Path.Combine(_folder, "files");

    /// <summary>Every request the app received, one line each: method, path, range=, if-range=, if-none-match=, session=, pass=.</summary>
    public string[] Requests() => File.Exists(RequestLog) ? File.ReadAllLines(RequestLog) : [];

    public void ClearRequests() => File.WriteAllText(RequestLog, "");

    private string RequestLog => Path.Combine(_folder, "requests.log");

    /// <summary>Starts the app over <paramref name="files"/> (name to content); <paramref name="forbiddenOrigin"/> is the origin its /external/ manifest names.</summary>
    public static async Task<DjangoApp> StartAsync(IReadOnlyDictionary<string, byte[]> files, Uri forbiddenOrigin)
    {
        var python = "/usr/bin/python3";
        var check = await ExternalTool.RunAsync(python, ["-c", "import django; print(django.get_version())"], timeoutSeconds: 60);
        if (check.ExitCode != 0)
        {
            // Debian's python3-django (.ci/run installs it); a python3 elsewhere on PATH may not see it.
            var message = $"Django is not importable by {python} (apt install python3-django): {check.Stderr}";
            if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
            {
                Assert.Fail(message);
            }

            Assert.Skip(message);
        }

        var folder = Directory.CreateTempSubdirectory("formats-django-").FullName;
        Directory.CreateDirectory(Path.Combine(folder, "files"));
        foreach (var (name, content) in files)
        {
            await File.WriteAllBytesAsync(Path.Combine(folder, "files", name), content);
        }

        var script = Path.Combine(folder, "app.py");
        await File.WriteAllTextAsync(script, Source);
        var port = FreePort();
        var info = new ProcessStartInfo(python)
        {
            ArgumentList = { script, "runserver", $"127.0.0.1:{port}", "--noreload" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = folder,
        };
        info.Environment["FILES_ROOT"] = Path.Combine(folder, "files");
        info.Environment["REQUEST_LOG"] = Path.Combine(folder, "requests.log");
        info.Environment["FORBIDDEN_ORIGIN"] = forbiddenOrigin.GetLeftPart(UriPartial.Authority);
        info.Environment["PYTHONUNBUFFERED"] = "1";
        var process = Process.Start(info)!;
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var app = new DjangoApp(process, folder, new Uri($"http://127.0.0.1:{port}/"));

        // Ready when it answers; bounded to 30 s.
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var response = await client.GetAsync(new Uri(app.BaseUri, "page/"));
                if (response.IsSuccessStatusCode)
                {
                    app.ClearRequests();
                    return app;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            if (process.HasExited || deadline.Elapsed > TimeSpan.FromSeconds(30))
            {
                await app.DisposeAsync();
                lock (output)
                {
                    Assert.Fail($"Django did not start on port {port}: {output}");
                }
            }

            await Task.Delay(100);
        }
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
