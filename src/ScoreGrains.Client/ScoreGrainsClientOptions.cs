namespace ScoreGrains.Client;

/// <summary>Settings under <c>ScoreGrains:Client</c>: where the cluster's gateways are and which cluster it is.</summary>
public sealed class ScoreGrainsClientOptions
{
    public const string Section = "ScoreGrains:Client";

    /// <summary>The silo's default gateway.</summary>
    public const string DefaultGateway = "127.0.0.1:30000";

    /// <summary>Gateway endpoints as <c>ip:port</c>; empty means <see cref="DefaultGateway"/>.</summary>
    public IList<string> Gateways { get; } = [];

    public string ServiceId { get; set; } = "scoregrains";

    public string ClusterId { get; set; } = "scoregrains";
}
