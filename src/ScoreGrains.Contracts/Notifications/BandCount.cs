namespace ScoreGrains.Contracts;

/// <summary>How many active subjects of a kind are in one band.</summary>
[GenerateSerializer, Immutable, Alias("ScoreGrains.BandCount")]
public sealed record BandCount(
    [property: Id(0)] string Band,
    [property: Id(1)] long Subjects);
