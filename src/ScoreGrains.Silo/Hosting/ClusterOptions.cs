using System.ComponentModel.DataAnnotations;

namespace ScoreGrains.Silo.Hosting;

/// <summary>Settings under <c>ScoreGrains:Cluster</c>: how this silo finds the others and how soon it gives up on one.</summary>
public sealed class ScoreGrainsClusterOptions
{
    public const string Section = "ScoreGrains:Cluster";

    public const string TlsSection = Section + ":Tls";

    /// <summary>
    /// <c>localhost</c> (one node, the default), <c>postgres</c> (Orleans' ADO.NET membership in the same database as the
    /// journal, for many silos) or <c>kubernetes</c> (the PostgreSQL membership, with Orleans' Kubernetes hosting taking the
    /// silo's name, address and ids from its pod). Anything else stops the silo at start.
    /// </summary>
    public string Clustering { get; set; } = ClusteringModes.Localhost;

    /// <summary>Identifies the deployment's stored data: keep it stable across restarts or state is not found.</summary>
    public string ServiceId { get; set; } = "scoregrains";

    /// <summary>Silos with the same cluster id (and service id) form one cluster.</summary>
    public string ClusterId { get; set; } = "scoregrains";

    [Range(1, 65535)]
    public int SiloPort { get; set; } = 11111;

    [Range(1, 65535)]
    public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// The address other silos and clients dial, and the one this silo listens on: loopback by default, so nothing
    /// listens beyond the machine unless asked. In <c>kubernetes</c> mode, unset means the pod's IP (listening on any).
    /// </summary>
    public string? AdvertisedAddress { get; set; }

    /// <summary>
    /// How long a liveness probe of another silo may take, and about how often one starts. Orleans' default is 5 s;
    /// 2 s here (see <see cref="MissedProbesLimit"/> for why that is safe).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "00:01:00")]
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Missed probes in a row before a silo suspects another (Orleans' default, 3). With <see cref="ProbeTimeout"/> 2 s a
    /// silo must be unresponsive for about 6 s to be suspected, and Orleans needs two suspecting silos to declare it
    /// dead (one, in a cluster of two). A silo at saturation here pauses for GC 0.3-0.5 s in all per 5 s (README,
    /// Operations), and Orleans lengthens its probe timeouts while the prober itself is degraded
    /// (<c>ExtendProbeTimeoutDuringDegradation</c>), so a busy silo is not mistaken for a dead one.
    /// </summary>
    [Range(1, 10)]
    public int MissedProbesLimit { get; set; } = 3;

    /// <summary>
    /// Unset: silo-to-silo and gateway traffic is plain TCP (trusting the network it runs on). Set: both are TLS and
    /// need a certificate from the cluster's authority at both ends, so a client without one is refused.
    /// </summary>
    public ClusterTlsOptions? Tls { get; set; }
}
