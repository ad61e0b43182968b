using System.Net;

namespace ScoreGrains.LoadTest.Options;

/// <summary>This tool only ever sends to the loopback range: a load test must never leave the machine.</summary>
public static class Loopback
{
    public static bool IsLoopbackHost(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    public static bool IsLoopbackEndpoint(string endpoint) =>
        IPEndPoint.TryParse(endpoint, out var parsed) && IPAddress.IsLoopback(parsed.Address);
}
