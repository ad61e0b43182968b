namespace ScoreGrains.Scoring;

/// <summary>A score with its reasons: per-dimension contributions and the key signals.</summary>
public sealed record ScoreExplanation(
    double Score,
    string Band,
    string ModelVersion,
    long SignalCount,
    IReadOnlyList<DimensionScore> Dimensions,
    IReadOnlyList<ReasonCode> Reasons);
