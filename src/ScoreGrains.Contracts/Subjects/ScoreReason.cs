namespace ScoreGrains.Contracts;

/// <summary>A key factor of a score, in the style of a credit bureau's reason codes, ordered by impact.</summary>
[GenerateSerializer, Immutable, Alias("ScoreGrains.ScoreReason")]
public sealed record ScoreReason(
    [property: Id(0)] string Code,
    [property: Id(1)] string Description,
    [property: Id(2)] double Impact,
    [property: Id(3)] string? SignalId,
    [property: Id(4)] string? SignalType);
