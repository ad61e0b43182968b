namespace ScoreGrains.Contracts;

/// <summary>One dimension of a score: its points (capped at <paramref name="Cap"/>), weight, and what it adds to the score.</summary>
[GenerateSerializer, Immutable, Alias("ScoreGrains.DimensionBreakdown")]
public sealed record DimensionBreakdown(
    [property: Id(0)] string Name,
    [property: Id(1)] double Points,
    [property: Id(2)] double Cap,
    [property: Id(3)] double Weight,
    [property: Id(4)] double Contribution);
