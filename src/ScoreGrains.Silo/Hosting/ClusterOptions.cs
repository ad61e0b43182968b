namespace ScoreGrains.Silo.Hosting;

/// <summary>Settings under <c>ScoreGrains:Cluster</c>: how this silo finds the others.</summary>
public sealed class ScoreGrainsClusterOptions
{
    public const string Section = "ScoreGrains:Cluster";

    /// <summary>
    /// <c>localhost</c> (one node), the only one wired so far; any other value stops the silo at start. ADO.NET
    /// membership in the same PostgreSQL (its tables are in the schema) is the multi-silo mode to come.
    /// </summary>
    public string Clustering { get; set; } = "localhost";

    /// <summary>Identifies the deployment's stored data: keep it stable across restarts or state is not found.</summary>
    public string ServiceId { get; set; } = "scoregrains";

    public string ClusterId { get; set; } = "scoregrains";

    public int SiloPort { get; set; } = 11111;

    public int GatewayPort { get; set; } = 30000;
}
