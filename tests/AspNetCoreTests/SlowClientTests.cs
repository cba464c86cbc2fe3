using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Formats.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Formats.AspNetCoreTests;

/// <summary>
/// Idle and trickling clients do not keep their places: real sockets against the gateway with <c>--max-archives 2</c>,
/// one that reads nothing and one that reads 100 bytes a second; a third client gets its archive once the minimum
/// client rate drops them, and their member requests end.
/// </summary>
public sealed class SlowClientTests
{
    private const int MemberBytes = 8 * 1024 * 1024;
    private const int Members = 3;

    [Fact]
    public async Task Clients_below_the_minimum_rate_are_dropped_and_free_their_places_and_member_requests()
    {
        var memberRequests = 0;
        await using var gateway = await AppGateway.StartAsync(
            app =>
            {
                app.MapGet("/archive", (HttpContext context) =>
                {
                    context.Response.Headers[ArchiveResponseHeaders.Files] = "zip";
                    return context.Response.WriteAsync(string.Concat(Enumerable.Range(0, Members).Select(i => $"- {MemberBytes} /file/{i} f{i}.bin\n")));
                });
                app.MapGet("/file/{i:int}", async (HttpContext context, int i) =>
                {
                    Interlocked.Increment(ref memberRequests);
                    try
                    {
                        context.Response.ContentLength = MemberBytes;
                        var chunk = Enumerable.Repeat((byte)i, 64 * 1024).ToArray();
                        for (var sent = 0; sent < MemberBytes; sent += chunk.Length)
                        {
                            await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
                        }
                    }
                    catch (OperationCanceledException)
                    {
                        // The gateway stopped reading this member: its client was dropped.
                    }
                    finally
                    {
                        Interlocked.Decrement(ref memberRequests);
                    }
                });
            },
            new ArchiveResponseOptions { MaxConcurrentArchives = 2, MinimumClientBytesPerSecond = 1024, ClientRateWindow = TimeSpan.FromSeconds(2) });

        // The drops are seen where they happen, in the gateway's own counter (its meter, from its IMeterFactory): a
        // client's socket shows its close only once read, and reading it would make it a fast client.
        var meters = gateway.Services.GetRequiredService<IMeterFactory>();
        var tooSlow = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == ArchiveMeters.AspNetCore && instrument.Meter.Scope == meters && instrument.Name == "formats.archives.ended")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag is { Key: "outcome", Value: "client_too_slow" })
                {
                    Interlocked.Add(ref tooSlow, (int)value);
                }
            }
        });
        listener.Start();
        using var client = gateway.Client();

        // Each gets its archive's headers (so each holds one of the two places), then reads nothing or 100 bytes a second.
        using var idle = await RequestAsync(gateway.BaseUri);
        using var trickling = await RequestAsync(gateway.BaseUri);
        using var stopTrickling = new CancellationTokenSource();
        var trickle = TrickleAsync(trickling, stopTrickling.Token);

        // The rule drops both (within a few 2 s windows; at most 60 s)...
        for (var i = 0; i < 240 && Volatile.Read(ref tooSlow) < 2; i++)
        {
            await Task.Delay(250);
        }

        Assert.True(Volatile.Read(ref tooSlow) >= 2, $"{tooSlow} clients dropped as too slow; 2 expected");

        // ...and a third client gets its whole archive (asked again while 503, for at most 60 s).
        byte[]? archive = null;
        for (var i = 0; i < 240 && archive is null; i++)
        {
            using var response = await client.GetAsync("archive");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                archive = await response.Content.ReadAsByteArrayAsync();
            }
            else
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                await Task.Delay(250);
            }
        }

        Assert.NotNull(archive);
        Assert.True(archive.Length > Members * MemberBytes);
        Assert.True(await ClosedAsync(idle), "the idle client's connection stayed open");

        // The trickling client would see its close only after reading what its buffers hold, at 100 bytes a second.
        await stopTrickling.CancelAsync();
        await trickle;

        // Their member requests ended with them.
        for (var i = 0; i < 200 && Volatile.Read(ref memberRequests) > 0; i++)
        {
            await Task.Delay(50);
        }

        Assert.Equal(0, Volatile.Read(ref memberRequests));
    }

    /// <summary>A raw socket that has sent a GET of the archive and seen (peeked, not read) its 200 arrive.</summary>
    private static async Task<Socket> RequestAsync(Uri gateway)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, gateway.Port);
        await socket.SendAsync(Encoding.ASCII.GetBytes($"GET /archive HTTP/1.1\r\nHost: 127.0.0.1:{gateway.Port}\r\n\r\n"));
        var status = new byte[12];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var seen = 0;
        for (var i = 0; i < 100 && seen < status.Length; i++)
        {
            seen = await socket.ReceiveAsync(status, SocketFlags.Peek, timeout.Token);
        }

        Assert.Equal("HTTP/1.1 200", Encoding.ASCII.GetString(status, 0, seen));
        return socket;
    }

    /// <summary>Reads 100 bytes a second until the connection ends or the test stops it (at most 120 reads).</summary>
    private static async Task TrickleAsync(Socket socket, CancellationToken stop)
    {
        var buffer = new byte[100];
        try
        {
            for (var i = 0; i < 120 && await socket.ReceiveAsync(buffer, SocketFlags.None, stop) > 0; i++)
            {
                await Task.Delay(1000, stop);
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            // Dropped by the server, or stopped by the test.
        }
    }

    /// <summary>Reads what the idle socket was sent until the server's close shows (true), for at most 30 s (false).</summary>
    private static async Task<bool> ClosedAsync(Socket socket)
    {
        var buffer = new byte[1024 * 1024];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            while (await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token) > 0)
            {
            }

            return true;
        }
        catch (SocketException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
