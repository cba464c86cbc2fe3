using System.Net;
using System.Net.Sockets;
using Formats.Cli;

namespace Formats.AspNetCoreTests;

/// <summary>
/// <c>formats gateway</c> as its command line starts it (<see cref="CliApp.RunAsync"/> in this process, on a free
/// 127.0.0.1 port, with a memory CRC store), so that options such as <c>--member-secret-file</c> or
/// <c>--member-resumes</c> go through the CLI's own parsing; stopped on dispose.
/// </summary>
internal sealed class CliGateway : IAsyncDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private readonly CancellationTokenSource _stop;
    private readonly Task<int> _run;
    private readonly StringWriter _error;

    private CliGateway(Uri baseUri, CancellationTokenSource stop, Task<int> run, StringWriter error)
    {
        BaseUri = baseUri;
        _stop = stop;
        _run = run;
        _error = error;
    }

    public Uri BaseUri { get; }

    public HttpClient Client(HttpMessageHandler? handler = null) => new(handler ?? new SocketsHttpHandler()) { BaseAddress = BaseUri, Timeout = Bound };

    /// <summary>Starts <c>gateway --upstream <paramref name="upstream"/></c> with <paramref name="options"/> and waits until it answers, at most a minute.</summary>
    public static async Task<CliGateway> StartAsync(Uri upstream, params string[] options)
    {
        int port;
        using (var socket = new TcpListener(IPAddress.Loopback, 0))
        {
            socket.Start();
            port = ((IPEndPoint)socket.LocalEndpoint).Port;
        }

        var url = $"http://127.0.0.1:{port}";
        var error = new StringWriter();
        var io = new StandardStreams(() => Stream.Null, () => Stream.Null, error, new StringWriter());
        var stop = new CancellationTokenSource();
        var run = CliApp.RunAsync(["gateway", "--upstream", upstream.ToString(), "--urls", url, "--crc-store", "memory", .. options], io, stop.Token);
        var gateway = new CliGateway(new Uri(url + "/"), stop, run, error);
        using var probe = new HttpClient { BaseAddress = gateway.BaseUri, Timeout = TimeSpan.FromSeconds(5) };
        var until = DateTime.UtcNow + Bound;
        for (var i = 0; i < 600 && DateTime.UtcNow < until; i++)
        {
            if (run.IsCompleted)
            {
                await gateway.DisposeAsync();
                Assert.Fail($"the gateway exited with {await run}: {error}");
            }

            try
            {
                using var health = await probe.GetAsync(new Uri("_formats/healthz", UriKind.Relative));
                return gateway;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(100);
            }
        }

        await gateway.DisposeAsync();
        throw new TimeoutException($"the gateway did not answer within {Bound.TotalSeconds} s: {error}");
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _run.WaitAsync(Bound);
        }
        finally
        {
            _stop.Dispose();
        }
    }
}
