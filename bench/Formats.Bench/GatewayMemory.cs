using System.Diagnostics;

namespace Formats.Bench;

/// <summary>
/// Memory per download in flight: 64 gateway downloads held open at once (each client reads its first 16 KiB and
/// waits), measured as the growth of the managed heap (after a full collection) and of the process's working set
/// over the idle rig, divided by 64. The app the members come from runs in a process of its own; the clients share
/// this one with the gateway, so the figure is an upper bound of the gateway's.
/// </summary>
public static class GatewayMemory
{
    public static async Task RunAsync(TextWriter output, int clients = 64)
    {
        using var upstream = await UpstreamProcess.StartAsync(output);
        try
        {
            await MeasureAsync(output, upstream.Url, clients, readAheadDepth: 0);
            await MeasureAsync(output, upstream.Url, clients, readAheadDepth: 4);
        }
        finally
        {
            await upstream.StopAsync();
        }
    }

    private static async Task MeasureAsync(TextWriter output, Uri upstream, int clients, int readAheadDepth)
    {
        await using var rig = await GatewayRig.StartAsync(upstream, readAheadDepth);
        await rig.DownloadAsync(new Uri(rig.Gateway, "archive"), 4);
        var (heap0, set0) = Measure();
        var release = new TaskCompletionSource();
        var reading = new List<Task>();
        var started = new CountdownEvent(clients);
        for (var i = 0; i < clients; i++)
        {
            reading.Add(Task.Run(async () =>
            {
                using var response = await rig.Client.GetAsync(new Uri(rig.Gateway, "archive"), HttpCompletionOption.ResponseHeadersRead);
                await using var body = await response.Content.ReadAsStreamAsync();
                var buffer = new byte[16 * 1024];
                await body.ReadAtLeastAsync(buffer, buffer.Length);
                started.Signal();
                await release.Task;
                while (await body.ReadAsync(buffer) > 0)
                {
                }
            }));
        }

        if (!started.Wait(TimeSpan.FromSeconds(60)))
        {
            throw new TimeoutException("the downloads did not all start within 60 s");
        }

        await Task.Delay(1000);
        var (heap1, set1) = Measure();
        release.SetResult();
        await Task.WhenAll(reading);
        const double MiB = 1024 * 1024;
        output.WriteLine($"{clients} gateway downloads in flight, read-ahead depth {readAheadDepth} (256 KiB buffered per member open):");
        output.WriteLine($"  managed heap: {(heap1 - heap0) / MiB:0.00} MiB in all, {(heap1 - heap0) / MiB / clients:0.000} MiB per download");
        output.WriteLine($"  working set:  {(set1 - set0) / MiB:0.00} MiB in all, {(set1 - set0) / MiB / clients:0.000} MiB per download");
    }

    private static (long Heap, long WorkingSet) Measure()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        using var process = Process.GetCurrentProcess();
        return (GC.GetTotalMemory(forceFullCollection: false), process.WorkingSet64);
    }
}

/// <summary>The gateway scenarios' app in a process of its own (this program with --gateway-upstream), so its work is not counted.</summary>
public sealed class UpstreamProcess : IDisposable
{
    private readonly Process _process;

    private UpstreamProcess(Process process, Uri url)
    {
        _process = process;
        Url = url;
    }

    public Uri Url { get; }

    public static async Task<UpstreamProcess> StartAsync(TextWriter output)
    {
        var info = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet")
        {
            info.ArgumentList.Add(typeof(UpstreamProcess).Assembly.Location);
        }

        info.ArgumentList.Add("--gateway-upstream");
        var process = Process.Start(info)!;
        string? line;
        while ((line = await process.StandardOutput.ReadLineAsync()) is not null && !line.StartsWith("http://", StringComparison.Ordinal))
        {
            output.WriteLine($"  app: {line}");
        }

        return new UpstreamProcess(process, new Uri(line ?? throw new InvalidOperationException("the app did not start")));
    }

    public async Task StopAsync()
    {
        _process.StandardInput.Close();
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    public void Dispose() => _process.Dispose();
}
