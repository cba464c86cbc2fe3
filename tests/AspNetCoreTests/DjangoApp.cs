using System.Diagnostics;
using System.Text;

namespace Formats.AspNetCoreTests;

/// <summary>
/// The sample Django app (samples/django/app.py, run by /usr/bin/python3 with Debian's python3-django) on a free
/// 127.0.0.1 port, playing the app a gateway stands in front of: a login that sets a signed-cookie session, files it serves only to that session, views
/// that answer with manifests (X-Archive-Files), plain pages, and a log of every request it received with its Range
/// and If-* headers.
/// </summary>
public sealed class DjangoApp : IAsyncDisposable
{
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
    /// <remarks>With <paramref name="memberSecretFile"/>, its files are served only to requests the gateway signed with that file's secret.</remarks>
    public static async Task<DjangoApp> StartAsync(IReadOnlyDictionary<string, byte[]> files, Uri forbiddenOrigin, string? memberSecretFile = null)
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

        var script = Path.Combine(Repository.Root, "samples", "django", "app.py");
        var port = Loopback.FreePort();
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
        if (memberSecretFile is not null)
        {
            info.Environment["MEMBER_SECRET_FILE"] = memberSecretFile;
        }

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
