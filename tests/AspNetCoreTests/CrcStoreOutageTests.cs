using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;

namespace Formats.AspNetCoreTests;

/// <summary>
/// <c>formats gateway</c> as a real process whose CRC store fails: a real redis-server frozen with SIGSTOP then killed,
/// and a SQLite file another process holds locked against readers and writers. Archives of 40 members without CRC-32s, whole and resumed, finish
/// within <see cref="Guard"/> (a failure guard, not a measure: the old cost was 2.5 s to 30 s per member), health says
/// Degraded, and the log has one warning for the outage.
/// </summary>
public sealed class CrcStoreOutageTests : IDisposable
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(15);

    private readonly string _folder = Directory.CreateTempSubdirectory("formats-crc-outage-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task A_frozen_then_killed_redis_store_costs_archives_a_moment_and_health_says_degraded_with_one_warning()
    {
        await using var app = await UserFilesApp.StartAsync(members: 40, memberSize: 20_000);
        await using var redis = await RedisServer.StartAsync();
        await using var gateway = await GatewayProcess.StartAsync(app.BaseUri, redis.Url);
        using var client = new HttpClient { BaseAddress = gateway.BaseUri, Timeout = Guard };
        Assert.Equal("Healthy", await client.GetStringAsync("_formats/healthz"));
        var (full, etag) = await WholeAsync(client);

        await redis.FreezeAsync();
        await ResumeAndWholeAsync(client, full, etag);
        await gateway.WaitForHealthAsync(client, "Degraded");

        await redis.KillAsync();
        await ResumeAndWholeAsync(client, full, etag);
        Assert.Equal("Degraded", await client.GetStringAsync("_formats/healthz"));
        await gateway.StopAsync();
        Assert.Single(gateway.StoreWarnings);
    }

    [Fact]
    public async Task A_sqlite_file_another_process_locks_against_readers_and_writers_costs_a_resume_and_a_download_under_5_s_each_and_health_says_degraded()
    {
        var database = Path.Combine(_folder, "crc.db");
        await using var app = await UserFilesApp.StartAsync(members: 40, memberSize: 20_000);
        await using var gateway = await GatewayProcess.StartAsync(app.BaseUri, database);
        using var client = new HttpClient { BaseAddress = gateway.BaseUri, Timeout = Guard };
        var (full, etag) = await WholeAsync(client);
        Assert.True(File.Exists(database + "-shm"), "the store's file is not in WAL mode");

        // Another process holds the locks every reader and writer of the WAL file needs (the write, checkpoint and
        // recovery locks and every reader slot of its -shm file: what a process in exclusive locking mode or recovering
        // the file holds), until its standard input closes. A lookup then waits some 11 s and fails. (BEGIN EXCLUSIVE
        // blocks writers only, and the gateway's pooled connections keep the shared lock that would let another process
        // take the file in exclusive locking mode: tried, it never gets it.)
        var python = ExternalTool.Require("/usr/bin/python3");
        using var locker = Process.Start(new ProcessStartInfo(python)
        {
            ArgumentList = { "-c", "import fcntl, os, sys\nfd = os.open(sys.argv[1] + '-shm', os.O_RDWR)\nfcntl.lockf(fd, fcntl.LOCK_EX, 8, 120)\nprint('locked', flush=True)\nsys.stdin.read()", database },
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        })!;
        try
        {
            Assert.Equal("locked", await locker.StandardOutput.ReadLineAsync().WaitAsync(Guard));

            // The store costs an archive one lookup's timeout (500 ms) before its breaker opens for 30 s: 5 s is that
            // budget ten times over, for a loaded machine; before, each of the 39 lookups waited for the lock.
            var (resume, whole) = await ResumeAndWholeAsync(client, full, etag);
            Assert.InRange(resume, TimeSpan.Zero, TimeSpan.FromSeconds(5));
            Assert.InRange(whole, TimeSpan.Zero, TimeSpan.FromSeconds(5));
            await gateway.WaitForHealthAsync(client, "Degraded");
        }
        finally
        {
            locker.StandardInput.Close();
            await locker.WaitForExitAsync().WaitAsync(Guard);
        }

        await gateway.StopAsync();
        Assert.Single(gateway.StoreWarnings);
    }

    private static async Task<(byte[] Full, EntityTagHeaderValue ETag)> WholeAsync(HttpClient client)
    {
        using var response = await client.GetAsync("archive");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadAsByteArrayAsync(), response.Headers.ETag!);
    }

    /// <summary>A resume near the end (its 39 members before the cut need CRC-32s), then a whole download (40 writes); how long each took.</summary>
    private static async Task<(TimeSpan Resume, TimeSpan Whole)> ResumeAndWholeAsync(HttpClient client, byte[] full, EntityTagHeaderValue etag)
    {
        var watch = Stopwatch.StartNew();
        var cut = full.Length - 1000;
        using var request = new HttpRequestMessage(HttpMethod.Get, "archive");
        request.Headers.Range = new RangeHeaderValue(cut, null);
        request.Headers.IfRange = new RangeConditionHeaderValue(etag);
        using var tail = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.PartialContent, tail.StatusCode);
        Assert.Equal(full[cut..], await tail.Content.ReadAsByteArrayAsync());
        var resume = watch.Elapsed;
        watch.Restart();
        Assert.Equal(full, (await WholeAsync(client)).Full);
        return (resume, watch.Elapsed);
    }

    /// <summary>The real <c>formats gateway</c> on a free port, its standard output (the JSON log) kept line by line.</summary>
    private sealed class GatewayProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly ConcurrentQueue<string> _lines = new();

        private GatewayProcess(Process process, int port)
        {
            _process = process;
            BaseUri = new Uri($"http://127.0.0.1:{port}/");
        }

        public Uri BaseUri { get; }

        /// <summary>The log's warnings about the CRC store.</summary>
        public string[] StoreWarnings => [.. _lines.Where(l => l.Contains("\"LogLevel\":\"Warning\"", StringComparison.Ordinal) && l.Contains("ResilientCrcStore", StringComparison.Ordinal))];

        public static async Task<GatewayProcess> StartAsync(Uri upstream, string crcStore)
        {
            var port = Loopback.FreePort();
            var info = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "formats"))
            {
                ArgumentList = { "gateway", "--upstream", upstream.ToString(), "--urls", $"http://127.0.0.1:{port}", "--crc-store", crcStore },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var process = new Process { StartInfo = info };
            var self = new GatewayProcess(process, port);
            process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is { } line)
                {
                    self._lines.Enqueue(line);
                }
            };
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data?.StartsWith("formats: gateway to", StringComparison.Ordinal) == true)
                {
                    ready.TrySetResult();
                }
            };
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            try
            {
                await Task.WhenAny(ready.Task, process.WaitForExitAsync()).WaitAsync(TimeSpan.FromSeconds(60));
            }
            catch (TimeoutException)
            {
            }

            if (!ready.Task.IsCompleted)
            {
                await self.DisposeAsync();
                Assert.Fail("formats gateway did not start within 60 s");
            }

            return self;
        }

        /// <summary>Polls health (bounded by <see cref="Guard"/>) until it says <paramref name="status"/>: writes fail off the request's path.</summary>
        public async Task WaitForHealthAsync(HttpClient client, string status)
        {
            var watch = Stopwatch.StartNew();
            string now;
            while ((now = await client.GetStringAsync("_formats/healthz")) != status && watch.Elapsed < Guard)
            {
                await Task.Delay(50);
            }

            Assert.Equal(status, now);
        }

        /// <summary>SIGTERM, as an operator stops it, so that its log is flushed; exit within the guard.</summary>
        public async Task StopAsync()
        {
            using var kill = Process.Start("/bin/kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)])!;
            await kill.WaitForExitAsync().WaitAsync(Guard);
            await _process.WaitForExitAsync().WaitAsync(Guard * 2);
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }

            _process.Dispose();
        }
    }
}
