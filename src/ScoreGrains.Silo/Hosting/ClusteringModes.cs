namespace ScoreGrains.Silo.Hosting;

/// <summary>The values of <c>ScoreGrains:Cluster:Clustering</c>.</summary>
public static class ClusteringModes
{
    /// <summary>One silo on its own: Orleans' development clustering on loopback.</summary>
    public const string Localhost = "localhost";

    /// <summary>Orleans' ADO.NET membership (invariant <c>Npgsql</c>) in the journal's database.</summary>
    public const string Postgres = "postgres";

    /// <summary><see cref="Postgres"/> membership, with Orleans' Kubernetes hosting taking the silo's name, address and ids from its pod.</summary>
    public const string Kubernetes = "kubernetes";

    public static readonly IReadOnlyList<string> All = [Localhost, Postgres, Kubernetes];
}
