namespace ScoreGrains.Contracts;

/// <summary>Collects each silo's figures every second and sums them for dashboards (key: 0).</summary>
[Alias("ScoreGrains.IClusterStatsGrain")]
public interface IClusterStatsGrain : IGrainWithIntegerKey
{
    /// <summary>One silo's latest figures; replaces its previous report.</summary>
    [Alias("Report")]
    Task ReportAsync(string silo, IReadOnlyList<KindStats> kinds);

    /// <summary>The sum over the silos that reported recently.</summary>
    [Alias("Get")]
    Task<ClusterStats> GetAsync();
}
