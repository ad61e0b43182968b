namespace ScoreGrains.Contracts;

/// <summary>Live figures for one subject kind: ingest and crossing rates, totals, and active subjects per band (lowest band first).</summary>
[GenerateSerializer, Immutable, Alias("ScoreGrains.KindStats")]
public sealed record KindStats(
    [property: Id(0)] string Kind,
    [property: Id(1)] double SignalsPerSecond,
    [property: Id(2)] double CrossingsPerSecond,
    [property: Id(3)] long Signals,
    [property: Id(4)] long Crossings,
    [property: Id(5)] IReadOnlyList<BandCount> Bands);
