using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Formats.AspNetCore;
using Formats.Cli;
using Formats.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Formats.AspNetCoreTests;

/// <summary>
/// The most bytes a member may have (<see cref="HttpSourceOptions.MaxMemberBytes"/>, <c>--max-member-bytes</c>): a
/// member without a size from an upstream that never ends fails the archive at the limit, in the gateway and in serve;
/// a declared size above it is refused before the first byte.
/// </summary>
public sealed class MaxMemberBytesTests
{
    private const long Limit = 1 << 20;

    /// <summary>The most an endless body writes before the test gives up on the gateway stopping it: 1 GiB.</summary>
    private const int MaxChunks = 16 * 1024;

    private long _sent;
    private int _endlessRequests;

    /// <summary>An app whose /archive/ manifest names /endless without a size (or with <paramref name="declared"/>), and /endless, a body without end.</summary>
    private RawUpstream App(long? declared = null) => RawUpstream.Start(async (path, stream, cancellationToken) =>
    {
        if (path == "/archive/")
        {
            var size = declared is { } d ? $", \"size\": {d}" : "";
            var manifest = $"{{\"name\": \"endless.bin\", \"url\": \"/endless\"{size}}}\n";
            await RawUpstream.WriteHeadAsync(stream, $"HTTP/1.1 200 OK\nContent-Type: application/x-ndjson\nX-Archive-Files: zip\nContent-Length: {manifest.Length}\nConnection: close", cancellationToken);
            await stream.WriteAsync(Encoding.ASCII.GetBytes(manifest), cancellationToken);
        }
        else if (path == "/endless")
        {
            Interlocked.Increment(ref _endlessRequests);
            await RawUpstream.WriteHeadAsync(stream, "HTTP/1.1 200 OK\nContent-Type: application/octet-stream\nConnection: close", cancellationToken);
            var chunk = new byte[64 * 1024];
            for (var i = 0; i < MaxChunks; i++)
            {
                await stream.WriteAsync(chunk, cancellationToken);
                Interlocked.Add(ref _sent, chunk.Length);
            }
        }
        else
        {
            await RawUpstream.WriteHeadAsync(stream, "HTTP/1.1 404 Not Found\nContent-Length: 0\nConnection: close", cancellationToken);
        }
    });

    /// <summary>Reads the response to its end or its failure; returns the bytes read and the failure.</summary>
    private static async Task<(long Read, Exception? Failure)> DrainAsync(HttpResponseMessage response)
    {
        var stream = await response.Content.ReadAsStreamAsync();
        var read = 0L;
        var failure = await Record.ExceptionAsync(async () =>
        {
            var buffer = new byte[64 * 1024];
            int n;
            while ((n = await stream.ReadAsync(buffer)) > 0)
            {
                read += n;
            }
        });
        return (read, failure);
    }

    [Fact]
    public async Task Gateway_member_without_size_from_an_endless_upstream_fails_the_archive_at_the_limit()
    {
        await using var app = App();
        var log = new ConcurrentQueue<string>();
        await using var gateway = await GatewayAsync(app.BaseUri, log);
        using var client = new HttpClient { BaseAddress = new Uri(gateway.Urls.First() + "/"), Timeout = TimeSpan.FromSeconds(120) };
        using var response = await client.GetAsync("archive/", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (read, failure) = await DrainAsync(response);

        Assert.True(failure is IOException or HttpRequestException, $"read {read} bytes and then {failure?.GetType().Name ?? "a clean end"}");
        Assert.InRange(read, 1, Limit + (1 << 20));
        Assert.True(Interlocked.Read(ref _sent) < 64L << 20, $"the upstream sent {Interlocked.Read(ref _sent)} bytes");
        Assert.Contains(log, l => l.Contains("endless.bin", StringComparison.Ordinal) && l.Contains($"more than {Limit} bytes, the most a member may have", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Gateway_member_declared_above_the_limit_is_refused_before_the_first_byte()
    {
        await using var app = App(declared: Limit + 1);
        await using var gateway = await GatewayAsync(app.BaseUri, new ConcurrentQueue<string>());
        using var client = new HttpClient { BaseAddress = new Uri(gateway.Urls.First() + "/"), Timeout = TimeSpan.FromSeconds(120) };
        using var response = await client.GetAsync("archive/");
        var message = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("manifest line 1", message, StringComparison.Ordinal);
        Assert.True(message.Contains($"declared {Limit + 1} bytes, more than the most a member may have ({Limit} bytes", StringComparison.Ordinal), message);
        Assert.Equal(0, Volatile.Read(ref _endlessRequests));
    }

    [Fact]
    public async Task Serve_manifest_url_without_size_from_an_endless_upstream_fails_the_archive_at_the_limit()
    {
        await using var app = App();
        var root = Directory.CreateTempSubdirectory("formats-serve-").FullName;
        try
        {
            var origin = new Uri(app.BaseUri.GetLeftPart(UriPartial.Authority));
            var options = new ServeOptions { AllowedOrigins = [origin], Http = new HttpSourceOptions { MaxMemberBytes = Limit } };
            await using var serve = ServeCommand.Build(root, "http://127.0.0.1:0", options);
            await serve.StartAsync();
            using var client = new HttpClient { BaseAddress = new Uri(serve.Urls.First() + "/"), Timeout = TimeSpan.FromSeconds(120) };
            using var content = new StringContent($"{{\"name\": \"endless.bin\", \"url\": \"{new Uri(app.BaseUri, "endless")}\"}}\n");
            using var request = new HttpRequestMessage(HttpMethod.Post, "manifest?format=zip") { Content = content };
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var (read, failure) = await DrainAsync(response);
            Assert.True(failure is IOException or HttpRequestException, $"read {read} bytes and then {failure?.GetType().Name ?? "a clean end"}");
            Assert.InRange(read, 1, Limit + (1 << 20));
            Assert.True(Interlocked.Read(ref _sent) < 64L << 20, $"the upstream sent {Interlocked.Read(ref _sent)} bytes");
            await serve.StopAsync();
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task<WebApplication> GatewayAsync(Uri upstream, ConcurrentQueue<string> log)
    {
        var options = new ArchiveResponseOptions { Http = new HttpSourceOptions { MaxMemberBytes = Limit } };
        var gateway = GatewayCommand.Build(upstream, "http://127.0.0.1:0", "/_formats", options);
        gateway.Services.GetRequiredService<ILoggerFactory>().AddProvider(new Capture(log));
        await gateway.StartAsync();
        return gateway;
    }

    /// <summary>Every log entry the gateway writes, as "Level: message exception-message".</summary>
    private sealed class Capture(ConcurrentQueue<string> lines) : ILoggerProvider, ILogger
    {
        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{logLevel}: {formatter(state, exception)} {exception?.Message}");

        public void Dispose()
        {
        }
    }
}
