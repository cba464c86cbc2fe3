using System.Net;
using System.Net.Sockets;

namespace Formats.Cli.Tests;

/// <summary>serve and gateway as real processes on a port another program holds: one line on standard error, exit 1, nothing on standard output.</summary>
public sealed class CliServerStartTests
{
    private static readonly string Formats = Path.Combine(AppContext.BaseDirectory, "formats");

    [Theory]
    [InlineData("serve", "--root", "/")]
    [InlineData("gateway", "--upstream", "http://127.0.0.1:9")]
    public async Task Port_in_use_is_one_line_on_standard_error_and_exit_1(params string[] args)
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var url = $"http://127.0.0.1:{((IPEndPoint)holder.LocalEndpoint).Port}";

        // Bounded: a server that starts anyway would run until ExternalTool's timeout and fail the test.
        var run = await ExternalTool.RunAsync(Formats, [.. args, "--urls", url, "--crc-store", "memory"], timeoutSeconds: 120);
        Assert.Equal(1, run.ExitCode);
        Assert.Empty(run.Text);
        var line = Assert.Single(run.Stderr.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("formats: ", line, StringComparison.Ordinal);
        Assert.Contains(url, line, StringComparison.Ordinal);
        Assert.Contains("address already in use", line, StringComparison.Ordinal);
    }
}
