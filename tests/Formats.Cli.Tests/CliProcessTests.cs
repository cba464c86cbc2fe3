using System.Diagnostics;

namespace Formats.Cli.Tests;

/// <summary>
/// The real <c>formats</c> process, for what only a process shows: a pipe whose reader goes away, and sources that
/// would block open(2) forever. Every wait is bounded; a process still running at the bound is killed and the test fails.
/// </summary>
public sealed class CliProcessTests : CliTestBase
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);

    internal static ProcessStartInfo Formats(params string[] args)
    {
        var info = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "formats"))
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return info;
    }

    /// <summary>Runs the process with empty standard input to its end, or kills it at <see cref="Bound"/> and fails.</summary>
    private static async Task<(int Code, byte[] Stdout, string Stderr)> RunAsync(params string[] args)
    {
        using var process = Process.Start(Formats(args))!;
        process.StandardInput.Close();
        var stdout = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(stdout);
        var stderr = process.StandardError.ReadToEndAsync();
        await ExitWithinBoundAsync(process);
        await copy;
        return (process.ExitCode, stdout.ToArray(), await stderr);
    }

    private static async Task ExitWithinBoundAsync(Process process)
    {
        try
        {
            await process.WaitForExitAsync().WaitAsync(Bound);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"formats was still running after {Bound.TotalSeconds} s and was killed");
        }
    }

    [Fact]
    public async Task Reader_of_standard_output_going_away_stops_the_command_with_exit_1_and_one_line()
    {
        // Level 0 keeps the output as long as the input, so the pipe fills long before the input ends.
        const long InputLength = 2L << 30;
        using var process = Process.Start(Formats("zip", "--level", "0", "--stdin-name", "big.bin", "-"))!;
        var stderr = process.StandardError.ReadToEndAsync();
        long written = 0;
        var feed = Task.Run(async () =>
        {
            var buffer = new byte[1 << 16];
            var input = process.StandardInput.BaseStream;
            try
            {
                while (written < InputLength)
                {
                    await input.WriteAsync(buffer);
                    written += buffer.Length;
                }

                input.Close();
            }
            catch (IOException)
            {
                // formats has stopped reading: that is the point.
            }
        });

        var head = new byte[100];
        await process.StandardOutput.BaseStream.ReadExactlyAsync(head).AsTask().WaitAsync(Bound);
        process.StandardOutput.BaseStream.Dispose();
        await ExitWithinBoundAsync(process);
        await feed.WaitAsync(Bound);

        Assert.Equal(1, process.ExitCode);
        var error = await stderr;
        Assert.Single(error.TrimEnd('\n').Split('\n'));
        Assert.Contains("standard output", error, StringComparison.Ordinal);
        Assert.True(written < InputLength / 4, $"formats read {written} of {InputLength} bytes after its output was closed");
    }

    [Fact]
    public async Task Fifo_named_on_the_command_line_is_refused_by_zip_naming_it_without_blocking()
    {
        var fifo = Path.Combine(Dir, "pipe");
        MakeFifo(fifo);
        var (code, stdout, stderr) = await RunAsync("zip", fifo);
        Assert.Equal(2, code);
        Assert.Empty(stdout);
        Assert.Single(stderr.TrimEnd('\n').Split('\n'));
        Assert.Contains($"'{fifo}' is a FIFO", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fifo_named_on_the_command_line_is_a_tar_fifo_entry_and_is_never_opened()
    {
        // open(2) of a FIFO without a writer waits forever: the bounded run fails if tar opens it.
        var fifo = Path.Combine(Dir, "pipe");
        MakeFifo(fifo);
        var (code, tar, stderr) = await RunAsync("tar", fifo);
        Assert.True(code == 0, stderr);
        var entry = Assert.Single(TarTestHelpers.ReadWithTarReader(tar));
        Assert.Equal(("pipe", System.Formats.Tar.TarEntryType.Fifo), (entry.Name, entry.Type));
    }

    [Fact]
    public async Task Fifo_and_socket_inside_a_folder_are_skipped_by_zip_with_a_warning_each_and_tar_keeps_the_fifo()
    {
        var docs = Path.Combine(Dir, "docs");
        Directory.CreateDirectory(docs);
        File.WriteAllText(Path.Combine(docs, "a.txt"), "ay");
        MakeFifo(Path.Combine(docs, "pipe"));

        // A bound socket's file lasts as long as the socket: .NET removes it on dispose.
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        socket.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(Path.Combine(docs, "sock")));

        var (code, zip, stderr) = await RunAsync("zip", docs);
        Assert.Equal(0, code);
        Assert.Equal(["docs/", "docs/a.txt"], ZipInspector.Inspect(zip).Entries.Select(e => e.Name));
        var warnings = stderr.TrimEnd('\n').Split('\n');
        Assert.Equal(2, warnings.Length);
        Assert.Contains("'docs/pipe' skipped: a FIFO", warnings[0], StringComparison.Ordinal);
        Assert.Contains("'docs/sock' skipped: a socket", warnings[1], StringComparison.Ordinal);

        // tar holds FIFOs (never opening them: the bounded run would fail); sockets it has no type for.
        var (tarCode, tar, tarErrors) = await RunAsync("tar", docs);
        Assert.Equal(0, tarCode);
        var read = TarTestHelpers.ReadWithTarReader(tar);
        Assert.Equal(["docs/", "docs/a.txt", "docs/pipe"], read.Select(e => e.Name));
        Assert.Equal(System.Formats.Tar.TarEntryType.Fifo, read[2].Type);
        Assert.Contains("'docs/sock' skipped: a socket", Assert.Single(tarErrors.TrimEnd('\n').Split('\n')), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fifo_named_by_a_manifest_is_refused_naming_the_line_without_blocking()
    {
        var fifo = Path.Combine(Dir, "pipe");
        MakeFifo(fifo);
        var manifest = Path.Combine(Dir, "list.txt");
        File.WriteAllText(manifest, $"{{\"name\": \"p\", \"path\": \"{fifo}\"}}\n");
        var (code, _, stderr) = await RunAsync("zip", "@" + manifest);
        Assert.Equal(1, code);
        Assert.Single(stderr.TrimEnd('\n').Split('\n'));
        Assert.Contains("line 1", stderr, StringComparison.Ordinal);
        Assert.Contains("is a FIFO", stderr, StringComparison.Ordinal);
    }

    private static void MakeFifo(string path)
    {
        var made = Process.Start(new ProcessStartInfo("mkfifo", [path]) { UseShellExecute = false })!;
        Assert.True(made.WaitForExit(TimeSpan.FromSeconds(30)), "mkfifo did not finish");
        Assert.Equal(0, made.ExitCode);
    }
}
