using System.Net;
using System.Net.Sockets;

namespace Formats.AspNetCoreTests;

/// <summary>Ports on 127.0.0.1 for the servers the tests start as processes (Django, redis-server).</summary>
internal static class Loopback
{
    /// <summary>A port free now.</summary>
    public static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
