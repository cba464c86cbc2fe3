using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Formats.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Formats.AspNetCoreTests;

/// <summary>
/// Metrics and logs an operator alerts on, collected in-process (a MeterListener and a logger provider) from the
/// archive responses middleware on a real Kestrel, with real clients that go away or members that fail. The listener
/// takes this app's meter only (the meter of its IMeterFactory), so other tests' archives, running at the same time,
/// add nothing to its counts.
/// </summary>
public sealed class ArchiveObservabilityTests : IAsyncLifetime
{
    private const int Big = 400_000;
    private readonly ConcurrentQueue<(string Instrument, long Value, Dictionary<string, string?> Tags)> _measurements = new();
    private readonly TaskCompletionSource<Dictionary<string, string?>> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CapturingLogs _logs = new();
    private readonly MeterListener _listener = new();
    private WebApplication? _app;

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddProvider(_logs);
        builder.Services.AddArchiveResponses();
        _app = builder.Build();
        var meters = _app.Services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ArchiveMeters.AspNetCore && instrument.Meter.Scope == meters)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var map = new Dictionary<string, string?>();
            foreach (var tag in tags)
            {
                map[tag.Key] = tag.Value?.ToString();
            }

            _measurements.Enqueue((instrument.Name, value, map));
            if (instrument.Name == "formats.archives.ended")
            {
                _ended.TrySetResult(map);
            }
        });
        _listener.Start();
        _app.UseArchiveResponses();
        _app.UseRouting();
        _app.MapGet("/files/big.bin", () => Results.Bytes(SyntheticStream.Bytes(Big, 1, compressible: false), "application/octet-stream"));
        _app.MapGet("/files/slow.bin", async (HttpContext context) =>
        {
            // 1 KiB every 50 ms of 200 KiB: far longer than the test waits.
            context.Response.ContentLength = 200 * 1024;
            for (var i = 0; i < 200 && !context.RequestAborted.IsCancellationRequested; i++)
            {
                await context.Response.Body.WriteAsync(new byte[1024], context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                await Task.Delay(50, context.RequestAborted);
            }
        });
        _app.MapGet("/files/fail.bin", async (HttpContext context) =>
        {
            context.Response.ContentLength = 20_000;
            await context.Response.Body.WriteAsync(new byte[10_000]);
            await context.Response.Body.FlushAsync();
            context.Abort();
        });
        _app.MapGet("/archive", (HttpContext context) =>
        {
            context.Response.Headers[ArchiveResponseHeaders.Files] = context.Request.Query["format"].ToString();
            var second = context.Request.Query["case"] == "fail" ? "- 20000 /files/fail.bin fail.bin" : "- 204800 /files/slow.bin slow.bin";
            return context.Response.WriteAsync($"- {Big} /files/big.bin big.bin\n{second}\n");
        });
        await _app.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    private Uri At(string path) => new(_app!.Urls.First() + path);

    private long Sum(string instrument) => _measurements.Where(m => m.Instrument == instrument).Sum(m => m.Value);

    /// <summary>The per-archive line of the middleware, once it is written (within 30 s).</summary>
    private async Task<CapturingLogs.Entry> ArchiveLineAsync()
    {
        for (var i = 0; i < 600; i++)
        {
            if (_logs.Entries.FirstOrDefault(e => e.Category == "Formats.AspNetCore.ArchiveResponses" && e.Message.StartsWith("archive ", StringComparison.Ordinal)) is { } line)
            {
                return line;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("no per-archive log line within 30 s");
    }

    [Fact]
    public async Task Bytes_are_counted_as_they_go_and_a_client_that_goes_away_is_counted_apart_and_logged_without_a_trace()
    {
        using (var client = new HttpClient())
        {
            using var response = await client.GetAsync(At("/archive?format=tar&case=slow"), HttpCompletionOption.ResponseHeadersRead);
            await using var body = await response.Content.ReadAsStreamAsync();
            var buffer = new byte[64 * 1024];
            long read = 0;
            while (read < Big + 1024)
            {
                var n = await body.ReadAsync(buffer);
                Assert.True(n > 0, $"the archive ended after {read} bytes");
                read += n;
            }

            // What the client has, the meter has counted, while the archive is still being made.
            Assert.True(Sum("formats.archive.bytes_sent") >= read, $"bytes_sent is {Sum("formats.archive.bytes_sent")} after the client read {read}");
            Assert.False(_ended.Task.IsCompleted);
        }

        // The client is gone (its connection closed mid-body).
        var ended = await _ended.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("client_gone", ended["outcome"]);
        Assert.Equal("tar", ended["format"]);
        Assert.Equal(0, Sum("formats.archives.failed"));
        Assert.Equal(0, Sum("formats.archives.completed"));

        var line = await ArchiveLineAsync();
        Assert.Contains("/archive?format=tar&case=slow", line.Message, StringComparison.Ordinal);
        Assert.Contains("client went away", line.Message, StringComparison.Ordinal);
        Assert.Equal((2, "ArchiveNotCompleted"), (line.EventId.Id, line.EventId.Name));
        Assert.DoesNotContain(_logs.Entries, e => e.Level >= LogLevel.Warning || e.Exception is not null);
    }

    [Fact]
    public async Task A_failed_archive_is_an_error_line_with_the_request_id_and_its_archive_line_has_the_reason()
    {
        using (var client = new HttpClient())
        {
            await Assert.ThrowsAnyAsync<HttpRequestException>(() => client.GetByteArrayAsync(At("/archive?format=zip&case=fail")));
        }

        var ended = await _ended.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("failed", ended["outcome"]);
        var line = await ArchiveLineAsync();
        Assert.Contains("/archive?format=zip&case=fail", line.Message, StringComparison.Ordinal);
        Assert.Contains("failed after the first byte: connection aborted: ", line.Message, StringComparison.Ordinal);
        Assert.Contains("fail.bin", line.Message, StringComparison.Ordinal);
        var requestId = line.State["RequestId"];
        Assert.False(string.IsNullOrEmpty(requestId));
        var error = Assert.Single(_logs.Entries, e => e.Level == LogLevel.Error);
        Assert.Equal(requestId, error.State.GetValueOrDefault("RequestId"));
        Assert.Equal((12, "ArchiveFailed"), (error.EventId.Id, error.EventId.Name));
        Assert.Contains(requestId!, error.Message, StringComparison.Ordinal);
    }

    /// <summary>Every log entry of the app, with its structured state.</summary>
    private sealed class CapturingLogs : ILoggerProvider
    {
        public sealed record Entry(string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception, Dictionary<string, string?> State);

        public ConcurrentQueue<Entry> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(CapturingLogs owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (!category.StartsWith("Formats", StringComparison.Ordinal))
                {
                    return;
                }

                var values = new Dictionary<string, string?>();
                if (state is IEnumerable<KeyValuePair<string, object?>> pairs)
                {
                    foreach (var (key, value) in pairs)
                    {
                        values[key] = value?.ToString();
                    }
                }

                owner.Entries.Enqueue(new Entry(category, logLevel, eventId, formatter(state, exception), exception, values));
            }
        }
    }
}
