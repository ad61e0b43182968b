namespace ScoreGrains.Contracts;

/// <summary>The cluster's live figures: the sum of every silo's latest report.</summary>
[GenerateSerializer, Immutable, Alias("ScoreGrains.ClusterStats")]
public sealed record ClusterStats(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] int Silos,
    [property: Id(2)] IReadOnlyList<KindStats> Kinds);
