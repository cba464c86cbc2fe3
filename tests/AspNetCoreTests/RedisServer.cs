using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Formats.AspNetCoreTests;

/// <summary>A real redis-server (Debian's package, installed by .ci/run) on a free 127.0.0.1 port, with no persistence, stopped on dispose.</summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _folder;

    private RedisServer(Process process, string folder, int port)
    {
        _process = process;
        _folder = folder;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The server as <c>--crc-store</c> names it.</summary>
    public string Url => $"redis://127.0.0.1:{Port}";

    public static async Task<RedisServer> StartAsync()
    {
        var tool = ExternalTool.Require("redis-server");
        var folder = Directory.CreateTempSubdirectory("formats-redis-").FullName;
        var port = Loopback.FreePort();

        var info = new ProcessStartInfo(tool)
        {
            ArgumentList = { "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", folder },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new RedisServer(process, folder, port);

        // Ready when it answers PING; bounded to 15 s.
        var watch = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                var stream = client.GetStream();
                await stream.WriteAsync("PING\r\n"u8.ToArray());
                var buffer = new byte[16];
                var n = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(2));
                if (Encoding.ASCII.GetString(buffer, 0, n).StartsWith("+PONG", StringComparison.Ordinal))
                {
                    return server;
                }
            }
            catch (Exception ex) when (ex is SocketException or IOException or TimeoutException)
            {
            }

            if (process.HasExited || watch.Elapsed > TimeSpan.FromSeconds(15))
            {
                await server.DisposeAsync();
                Assert.Fail($"redis-server did not start on port {port}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Stops the server with SIGSTOP: its sockets stay open and nothing answers, as a hung server.</summary>
    public async Task FreezeAsync()
    {
        using var kill = Process.Start("/bin/kill", ["-STOP", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        await kill.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>Kills the server (SIGKILL, which also ends a frozen one): its port refuses connections.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(15));
    }

    /// <summary>Every key in the server (KEYS *, spoken in RESP on a socket of its own).</summary>
    public async Task<List<string>> KeysAsync()
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, Port);
        using var reader = new StreamReader(client.GetStream(), Encoding.UTF8);
        await client.GetStream().WriteAsync("*2\r\n$4\r\nKEYS\r\n$1\r\n*\r\n"u8.ToArray());
        var header = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(15));
        Assert.StartsWith("*", header, StringComparison.Ordinal);
        var keys = new List<string>();
        for (var i = int.Parse(header![1..], System.Globalization.CultureInfo.InvariantCulture); i > 0; i--)
        {
            await reader.ReadLineAsync(); // $LENGTH
            keys.Add((await reader.ReadLineAsync())!);
        }

        return keys;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
