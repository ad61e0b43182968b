namespace ScoreGrains.Contracts;

/// <summary>A subject's score, why it is what it is, and which model computed it.</summary>
[GenerateSerializer, Immutable, Alias("ScoreGrains.SubjectScore")]
public sealed record SubjectScore(
    [property: Id(0)] string Kind,
    [property: Id(1)] string Id,
    [property: Id(2)] double Score,
    [property: Id(3)] string Band,
    [property: Id(4)] string ModelVersion,
    [property: Id(5)] long SignalCount,
    [property: Id(6)] IReadOnlyList<DimensionBreakdown> Dimensions,
    [property: Id(7)] IReadOnlyList<ScoreReason> Reasons);
