namespace ScoreGrains.Client;

/// <summary>Settings under <c>ScoreGrains:Client</c>: where the cluster's gateways are, which cluster it is, and its TLS.</summary>
public sealed class ScoreGrainsClientOptions
{
    public const string Section = "ScoreGrains:Client";

    public const string TlsSection = Section + ":Tls";

    /// <summary>The silo's default gateway.</summary>
    public const string DefaultGateway = "127.0.0.1:30000";

    /// <summary>Gateway endpoints as <c>ip:port</c>; empty means <see cref="DefaultGateway"/>.</summary>
    public IList<string> Gateways { get; } = [];

    public string ServiceId { get; set; } = "scoregrains";

    public string ClusterId { get; set; } = "scoregrains";

    /// <summary>Unset: plain TCP to the gateway. Set: TLS with this client's certificate, and the silo's checked against the authority.</summary>
    public ClientTlsOptions? Tls { get; set; }
}
