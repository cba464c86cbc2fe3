using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Formats.AspNetCore;
using Formats.Cli;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Formats.AspNetCoreTests;

/// <summary>
/// <c>formats gateway</c> in front of an app whose manifest response carries header bytes Kestrel would never send: a
/// Content-Disposition with a Latin-1 file name (the raw byte 0xE9), as older apps write it.
/// </summary>
public sealed class GatewayAppHeaderTests
{
    private static RawUpstream App(string contentDisposition) => RawUpstream.Start(async (path, stream, cancellationToken) =>
    {
        if (path == "/archive/")
        {
            var manifest = "- 3 /file/a.txt a.txt\n";
            await RawUpstream.WriteHeadAsync(stream, $"HTTP/1.1 200 OK\nContent-Type: text/plain\nX-Archive-Files: zip\nContent-Disposition: {contentDisposition}\nContent-Length: {manifest.Length}\nConnection: close", cancellationToken);
            await stream.WriteAsync(Encoding.ASCII.GetBytes(manifest), cancellationToken);
        }
        else if (path == "/file/a.txt")
        {
            await RawUpstream.WriteHeadAsync(stream, "HTTP/1.1 200 OK\nContent-Length: 3\nConnection: close", cancellationToken);
            await stream.WriteAsync("abc"u8.ToArray(), cancellationToken);
        }
        else if (path == "/report/")
        {
            await RawUpstream.WriteHeadAsync(stream, $"HTTP/1.1 200 OK\nContent-Type: application/pdf\nContent-Disposition: {contentDisposition}\nContent-Length: 4\nConnection: close", cancellationToken);
            await stream.WriteAsync("data"u8.ToArray(), cancellationToken);
        }
        else
        {
            await RawUpstream.WriteHeadAsync(stream, "HTTP/1.1 404 Not Found\nContent-Length: 0\nConnection: close", cancellationToken);
        }
    });

    private static async Task<(WebApplication Gateway, LogCapture Log)> GatewayAsync(Uri upstream)
    {
        var gateway = GatewayCommand.Build(upstream, "http://127.0.0.1:0", "/_formats", new ArchiveResponseOptions(), logArchives: false);
        var log = new LogCapture();
        gateway.Services.GetRequiredService<ILoggerFactory>().AddProvider(log);
        await gateway.StartAsync();
        return (gateway, log);
    }

    [Theory]
    [InlineData("attachment; filename=\"\u00e9.zip\"", "\u00e9.zip")]
    [InlineData("attachment; filename=\"r\u00e9sum\u00e9 2024.zip\"; size=3", "r\u00e9sum\u00e9 2024.zip")]
    [InlineData("inline; filename=caf\u00e9.zip", "caf\u00e9.zip")]
    [InlineData("attachment; filename=\"\u00c3\u00a9t\u00c3\u00a9.zip\"", "\u00e9t\u00e9.zip")] // raw UTF-8 bytes of "été.zip"
    public async Task Latin1_file_name_from_the_app_is_sent_as_utf8_filename_star_with_an_ascii_fallback(string sent, string expected)
    {
        await using var app = App(sent);
        var (gateway, log) = await GatewayAsync(app.BaseUri);
        await using var _ = gateway;
        using var client = new HttpClient { BaseAddress = new Uri(gateway.Urls.First() + "/"), Timeout = TimeSpan.FromSeconds(60) };
        using var response = await client.GetAsync("archive/");
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} '{Encoding.UTF8.GetString(body)}'; log: {string.Join(" | ", log.Lines)}");

        var header = response.Content.Headers.GetValues("Content-Disposition").Single();
        Assert.True(header.All(char.IsAscii), header);
        var disposition = response.Content.Headers.ContentDisposition!;
        Assert.Equal(sent.Split(';')[0], disposition.DispositionType);
        Assert.Equal(expected, disposition.FileNameStar);
        Assert.True(disposition.FileName!.Trim('"').All(char.IsAscii));
        var entry = Assert.Single(ZipInspector.Inspect(body).Entries);
        Assert.Equal("a.txt", entry.Name);
    }

    [Fact]
    public async Task Latin1_file_name_on_a_plain_response_passes_through_as_the_app_sent_it()
    {
        const string Sent = "attachment; filename=\"r\u00e9sum\u00e9.pdf\"";
        await using var app = App(Sent);
        var (gateway, log) = await GatewayAsync(app.BaseUri);
        await using var _ = gateway;
        using var client = new HttpClient { BaseAddress = new Uri(gateway.Urls.First() + "/"), Timeout = TimeSpan.FromSeconds(60) };
        using var response = await client.GetAsync("report/");
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}; log: {string.Join(" | ", log.Lines)}");
        Assert.Equal("data"u8.ToArray(), body);

        // HttpClient reads header bytes as Latin-1: the same chars are the same bytes.
        Assert.Equal(Sent, response.Content.Headers.GetValues("Content-Disposition").Single());
    }

    [Fact]
    public async Task Content_disposition_that_cannot_be_sent_is_replaced_by_the_path_name_and_logged()
    {
        // A quote left open around a Latin-1 name: no name can be read from it.
        await using var app = App("attachment; filename=\"\u00e9.zip");
        var (gateway, log) = await GatewayAsync(app.BaseUri);
        await using var _ = gateway;
        using var client = new HttpClient { BaseAddress = new Uri(gateway.Urls.First() + "/"), Timeout = TimeSpan.FromSeconds(60) };
        using var response = await client.GetAsync("archive/");
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} '{Encoding.UTF8.GetString(body)}'; log: {string.Join(" | ", log.Lines)}");
        Assert.Equal("archive.zip", response.Content.Headers.ContentDisposition!.FileName!.Trim('"'));
        Assert.Contains(log.Lines, l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains("Content-Disposition cannot be sent", StringComparison.Ordinal));
    }

    /// <summary>Every log entry the gateway writes at or above its filters' levels, as "Level: message".</summary>
    private sealed class LogCapture : ILoggerProvider
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public IReadOnlyCollection<string> Lines => _lines;

        public ILogger CreateLogger(string categoryName) => new Logger(_lines);

        public void Dispose()
        {
        }

        private sealed class Logger(ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue($"{logLevel}: {formatter(state, exception)}{(exception is null ? "" : " " + exception.Message)}");
        }
    }
}
