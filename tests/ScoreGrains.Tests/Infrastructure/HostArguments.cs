namespace ScoreGrains.Tests.Infrastructure;

/// <summary>
/// Arguments for a silo of a test's own (<c>ScoreGrainsHost.BuildAsync</c>): its database, free loopback ports, its
/// settings. A setting given again among the settings wins (the command line's last value does).
/// </summary>
public static class HostArguments
{
    public static string[] For(string connectionString, string serviceId, int httpPort, params string[] settings) =>
    [
        $"--ConnectionStrings:ScoreGrains={connectionString}",
        $"--urls=http://127.0.0.1:{httpPort}",
        $"--ScoreGrains:Cluster:SiloPort={LoopbackPort.Free()}",
        $"--ScoreGrains:Cluster:GatewayPort={LoopbackPort.Free()}",
        $"--ScoreGrains:Cluster:ServiceId={serviceId}",
        .. settings,
    ];
}
