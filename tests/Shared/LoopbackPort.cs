using System.Net;
using System.Net.Sockets;

namespace ScoreGrains.Testing;

/// <summary>Ports for a test's own listeners on 127.0.0.1.</summary>
internal static class LoopbackPort
{
    // Below Linux's ephemeral range (32768-60999 by default), where the kernel picks the local port of every outgoing
    // connection: a port it handed out for "port 0" and got back could be taken by one of those (the silo's own
    // PostgreSQL connections while it is built) before the test binds it ("address already in use" in CI).
    private const int First = 20_000;
    private const int Last = 32_000;
    private const int Attempts = 200;

    /// <summary>A TCP port on 127.0.0.1 that was free a moment ago.</summary>
    public static int Free()
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = Random.Shared.Next(First, Last);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException) when (attempt < Attempts)
            {
                // Taken: try another.
            }
        }
    }
}
