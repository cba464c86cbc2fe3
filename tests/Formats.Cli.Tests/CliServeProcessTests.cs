using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Formats.Cli.Tests;

/// <summary>
/// The real <c>formats serve</c> process: a picked file swapped for a FIFO after the request was checked fails the
/// archive at once (no thread waits in open(2) for a writer), and SIGTERM still stops the server.
/// </summary>
public sealed class CliServeProcessTests : CliTestBase
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    [Fact]
    public async Task A_file_swapped_for_a_fifo_fails_its_archive_and_sigterm_still_stops_serve()
    {
        var root = Directory.CreateDirectory(Path.Combine(Dir, "root")).FullName;
        await using (var big = File.Create(Path.Combine(root, "big.bin")))
        {
            // Held back by a client that does not read: the later members open only after the swap.
            big.SetLength(64L * 1024 * 1024);
        }

        for (var i = 0; i < 6; i++)
        {
            await File.WriteAllTextAsync(Path.Combine(root, $"s{i}.txt"), "small", TestContext.Current.CancellationToken);
        }

        var picked = Path.Combine(root, "late.txt");
        await File.WriteAllTextAsync(picked, "late", TestContext.Current.CancellationToken);
        var url = $"http://127.0.0.1:{FreePort()}";
        using var process = Process.Start(CliProcessTests.Formats("serve", "--root", root, "--urls", url))!;
        try
        {
            using var bounded = new CancellationTokenSource(Bound);
            var started = await process.StandardOutput.ReadLineAsync(bounded.Token);
            Assert.Contains("serving", started, StringComparison.Ordinal);

            using var client = new HttpClient();
            var files = string.Concat(new[] { "big.bin" }.Concat(Enumerable.Range(0, 6).Select(i => $"s{i}.txt")).Append("late.txt").Select(f => "&file=" + f));
            using var response = await client.GetAsync(new Uri(url + "/download?format=tar" + files), HttpCompletionOption.ResponseHeadersRead, bounded.Token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            File.Delete(picked);
            Assert.Equal(0, (await ExternalTool.RunAsync("mkfifo", [picked])).ExitCode);

            var body = await response.Content.ReadAsStreamAsync(bounded.Token);
            await Assert.ThrowsAnyAsync<IOException>(() => body.CopyToAsync(Stream.Null, bounded.Token));

            Assert.Equal(0, (await ExternalTool.RunAsync("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])).ExitCode);
            await process.WaitForExitAsync(bounded.Token);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }
}
