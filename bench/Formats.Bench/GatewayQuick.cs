using System.Diagnostics;

namespace Formats.Bench;

/// <summary>
/// The gateway against YARP alone, as wall and CPU time of this process per round, with the app in a process of its
/// own: a quick look (and a process to attach a profiler to) between BenchmarkDotNet runs, not a measurement to quote.
/// ROUNDS sets the rounds (12); SKIP_PROXY or SKIP_GATEWAY leaves one side out.
/// </summary>
public static class GatewayQuick
{
    public static async Task RunAsync(TextWriter output, int depth, int clients)
    {
        using var upstream = await UpstreamProcess.StartAsync(output);
        try
        {
            await RunRoundsAsync(output, upstream.Url, depth, clients);
        }
        finally
        {
            await upstream.StopAsync();
        }
    }

    private static async Task RunRoundsAsync(TextWriter output, Uri app, int depth, int clients)
    {
        await using var rig = await GatewayRig.StartAsync(app, depth);
        for (var round = 0; round < int.Parse(Environment.GetEnvironmentVariable("ROUNDS") ?? "12"); round++)
        {
            using var me = Process.GetCurrentProcess();
            var t = Stopwatch.StartNew();
            var c0 = me.TotalProcessorTime;
            if (Environment.GetEnvironmentVariable("SKIP_PROXY") is null)
            {
                await rig.DownloadAsync(new Uri(rig.Proxy, "whole"), clients);
            }

            var proxy = t.Elapsed.TotalMilliseconds;
            me.Refresh();
            var c1 = me.TotalProcessorTime;
            t.Restart();
            if (Environment.GetEnvironmentVariable("SKIP_GATEWAY") is null)
            {
                await rig.DownloadAsync(new Uri(rig.Gateway, "archive"), clients);
            }

            var gateway = t.Elapsed.TotalMilliseconds;
            me.Refresh();
            var c2 = me.TotalProcessorTime;
            output.WriteLine($"depth {depth} clients {clients}: proxy {proxy:0} ms (cpu {(c1 - c0).TotalMilliseconds:0}) gateway {gateway:0} ms (cpu {(c2 - c1).TotalMilliseconds:0}) ratio {gateway / proxy:0.00}");
        }
    }
}
