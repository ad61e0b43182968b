namespace ScoreGrains.Client;

/// <summary>Settings under <c>ScoreGrains:Client</c>: how to find the cluster's gateways, which cluster it is, and its TLS.</summary>
public sealed class ScoreGrainsClientOptions
{
    public const string Section = "ScoreGrains:Client";

    public const string TlsSection = Section + ":Tls";

    /// <summary>The silo's default gateway.</summary>
    public const string DefaultGateway = "127.0.0.1:30000";

    /// <summary>The value of <see cref="Clustering"/> that connects to <see cref="Gateways"/>.</summary>
    public const string StaticClustering = "static";

    /// <summary>The value of <see cref="Clustering"/> that reads the gateways from the cluster's membership in PostgreSQL.</summary>
    public const string PostgresClustering = "postgres";

    /// <summary>The connection string (<c>ConnectionStrings:ScoreGrains</c>, as the silos name it) of <see cref="PostgresClustering"/>.</summary>
    public const string ConnectionStringName = "ScoreGrains";

    /// <summary>
    /// How the client finds the gateways. <c>static</c>: <see cref="Gateways"/>, fixed. <c>postgres</c>: every live silo
    /// of the cluster (silos run with <c>ScoreGrains:Cluster:Clustering</c> <c>postgres</c> or <c>kubernetes</c>), read
    /// from its membership table in <c>ConnectionStrings:ScoreGrains</c> and refreshed as silos come and go, so a client
    /// needs no address and follows a rolling restart or a scale-out.
    /// </summary>
    public string Clustering { get; set; } = StaticClustering;

    /// <summary>Gateway endpoints as <c>ip:port</c> (<c>static</c> clustering); empty means <see cref="DefaultGateway"/>.</summary>
    public IList<string> Gateways { get; } = [];

    public string ServiceId { get; set; } = "scoregrains";

    public string ClusterId { get; set; } = "scoregrains";

    /// <summary>Unset: plain TCP to the gateway. Set: TLS with this client's certificate, and the silo's checked against the authority.</summary>
    public ClientTlsOptions? Tls { get; set; }
}
