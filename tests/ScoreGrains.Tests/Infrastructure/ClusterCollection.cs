namespace ScoreGrains.Tests.Infrastructure;

/// <summary>All cluster tests share one database and one cluster, and run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
