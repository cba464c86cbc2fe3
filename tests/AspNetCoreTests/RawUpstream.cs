using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Formats.AspNetCoreTests;

/// <summary>
/// An HTTP/1.1 server on 127.0.0.1 that writes each response's bytes exactly as given (header bytes no Kestrel would
/// send, bodies without end), one request per connection. <c>Answer</c> maps a request's path to a writer of the whole
/// response; it runs until its connection or the server closes.
/// </summary>
public sealed class RawUpstream : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<string, Stream, CancellationToken, Task> _answer;
    private readonly Task _accepting;

    private RawUpstream(Func<string, Stream, CancellationToken, Task> answer)
    {
        _answer = answer;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public Uri BaseUri => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

    public static RawUpstream Start(Func<string, Stream, CancellationToken, Task> answer) => new(answer);

    /// <summary>Writes a head of status line and header lines (Latin-1: each char one byte), then the blank line.</summary>
    public static Task WriteHeadAsync(Stream stream, string head, CancellationToken cancellationToken) =>
        stream.WriteAsync(Encoding.Latin1.GetBytes(head.ReplaceLineEndings("\r\n").TrimEnd() + "\r\n\r\n"), cancellationToken).AsTask();

    private async Task AcceptAsync()
    {
        var connections = new List<Task>();
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                connections.Add(ServeAsync(client));
            }
        }
        catch (OperationCanceledException)
        {
        }

        await Task.WhenAll(connections);
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            try
            {
                // The request head, up to 64 KiB: the path is all the answer needs.
                var head = new MemoryStream();
                var buffer = new byte[4096];
                while (head.Length < 65536 && !Encoding.Latin1.GetString(head.ToArray()).Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    var n = await stream.ReadAsync(buffer, _stop.Token);
                    if (n == 0)
                    {
                        return;
                    }

                    head.Write(buffer, 0, n);
                }

                var path = Encoding.Latin1.GetString(head.ToArray()).Split(' ', 3)[1];
                await _answer(path, stream, _stop.Token);
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or SocketException)
            {
                // The client went away, or the server stops.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
