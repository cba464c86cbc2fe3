using System.Diagnostics;

namespace Formats.Testing;

/// <summary>A real extractor on this machine. Missing tools skip locally and fail when CI is set (.ci/run installs them).</summary>
internal static class ExternalTool
{
    public static string Require(string name)
    {
        if (Path.IsPathRooted(name) && File.Exists(name))
        {
            return name;
        }

        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var path = Path.Combine(dir, name);
            if (File.Exists(path))
            {
                return path;
            }
        }

        var message = $"'{name}' is not installed (.ci/run installs it)";
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
        {
            Assert.Fail(message + "; CI is set, so a missing tool fails the test");
        }

        Assert.Skip(message);
        return null!;
    }

    public sealed record Result(int ExitCode, byte[] Stdout, string Stderr)
    {
        public string Text => System.Text.Encoding.UTF8.GetString(Stdout);

        public string[] Lines => Text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>
    /// Runs <paramref name="tool"/> (a name on PATH, or an absolute path) to its end, with <paramref name="stdinFile"/>
    /// as standard input, in <paramref name="workingDirectory"/>, with <paramref name="environment"/> added.
    /// </summary>
    public static async Task<Result> RunAsync(
        string tool,
        IEnumerable<string> args,
        string? stdinFile = null,
        int timeoutSeconds = 600,
        string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(Require(tool))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdinFile is not null,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? "",
        };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["LC_ALL"] = "C.UTF-8";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        using var process = Process.Start(info)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds));
        var stdout = new MemoryStream();
        var copyOut = process.StandardOutput.BaseStream.CopyToAsync(stdout, timeout.Token);
        var readErr = process.StandardError.ReadToEndAsync(timeout.Token);
        if (stdinFile is not null)
        {
            await using (var input = File.OpenRead(stdinFile))
            {
                try
                {
                    await input.CopyToAsync(process.StandardInput.BaseStream, timeout.Token);
                }
                catch (IOException)
                {
                    // The tool stopped reading early; its exit code tells why.
                }
            }

            process.StandardInput.Close();
        }

        await process.WaitForExitAsync(timeout.Token);
        await copyOut;
        return new Result(process.ExitCode, stdout.ToArray(), await readErr);
    }
}
