using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Formats.AspNetCoreTests;

/// <summary>
/// Just enough of the Chrome DevTools Protocol to drive Debian's headless Chromium: start it, open a page, run
/// script in it, and watch downloads. Messages are JSON over one WebSocket, answered by id; events have no id.
/// </summary>
internal sealed partial class Cdp : IAsyncDisposable
{
    private readonly Process _browser;
    private readonly ClientWebSocket _socket = new();
    private readonly string _profile;
    private int _nextId;

    private Cdp(Process browser, string profile)
    {
        _browser = browser;
        _profile = profile;
    }

    /// <summary>Events received while waiting for answers.</summary>
    public List<JsonObject> Events { get; } = [];

    public static async Task<Cdp> LaunchAsync(string chromium)
    {
        var profile = Directory.CreateTempSubdirectory("formats-chromium-").FullName;
        var info = new ProcessStartInfo(chromium)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", $"--user-data-dir={profile}", "--remote-debugging-port=0", "about:blank",
        })
        {
            info.ArgumentList.Add(arg);
        }

        var browser = Process.Start(info)!;
        var cdp = new Cdp(browser, profile);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var line = await browser.StandardError.ReadLineAsync(timeout.Token) ?? throw new InvalidOperationException("chromium exited before it listened");
            var match = DevToolsUrl().Match(line);
            if (match.Success)
            {
                await cdp._socket.ConnectAsync(new Uri(match.Groups[1].Value), timeout.Token);
                _ = browser.StandardError.ReadToEndAsync(CancellationToken.None);
                return cdp;
            }
        }
    }

    /// <summary>Sends a command (to a page when <paramref name="sessionId"/> is given) and returns its result.</summary>
    public async Task<JsonObject> SendAsync(string method, object? parameters = null, string? sessionId = null)
    {
        var id = ++_nextId;
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = JsonSerializer.SerializeToNode(parameters ?? new { }) };
        if (sessionId is not null)
        {
            message["sessionId"] = sessionId;
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, timeout.Token);
        while (true)
        {
            var received = await ReceiveAsync(timeout.Token);
            if (received["id"]?.GetValue<int>() == id)
            {
                if (received["error"] is { } error)
                {
                    throw new InvalidOperationException($"{method}: {error.ToJsonString()}");
                }

                return received["result"]!.AsObject();
            }

            Events.Add(received);
        }
    }

    /// <summary>Waits for an event of <paramref name="method"/> that satisfies <paramref name="match"/>.</summary>
    public async Task<JsonObject> WaitForEventAsync(string method, Func<JsonObject, bool> match, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        while (true)
        {
            var seen = Events.FirstOrDefault(e => e["method"]?.GetValue<string>() == method && match(e["params"]!.AsObject()));
            if (seen is not null)
            {
                return seen;
            }

            try
            {
                Events.Add(await ReceiveAsync(cancel.Token));
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                var states = string.Join("; ", Events.Where(e => e["method"]?.GetValue<string>() == method).Select(e => e["params"]?.ToJsonString()));
                throw new TimeoutException($"no {method} event matched in {timeout.TotalSeconds} s; {method} events seen: [{states}]");
            }
        }
    }

    private async Task<JsonObject> ReceiveAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[1 << 16];
        var message = new MemoryStream();
        WebSocketReceiveResult result;
        do
        {
            result = await _socket.ReceiveAsync(buffer, cancellationToken);
            message.Write(buffer, 0, result.Count);
        }
        while (!result.EndOfMessage);

        return JsonNode.Parse(message.ToArray())!.AsObject();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _browser.Kill(entireProcessTree: true);
            await _browser.WaitForExitAsync();
        }
        catch (InvalidOperationException)
        {
        }

        _socket.Dispose();
        _browser.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
            // Chromium may still be writing its profile while it exits.
        }
    }

    [GeneratedRegex(@"DevTools listening on (ws://\S+)")]
    private static partial Regex DevToolsUrl();
}
