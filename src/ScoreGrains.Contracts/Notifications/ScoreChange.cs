namespace ScoreGrains.Contracts;

/// <summary>A subject's score after one applied signal: what live views of a single subject follow.</summary>
[GenerateSerializer, Immutable, Alias("ScoreGrains.ScoreChange")]
public sealed record ScoreChange(
    [property: Id(0)] string Kind,
    [property: Id(1)] string Id,
    [property: Id(2)] long JournalSeq,
    [property: Id(3)] string SignalId,
    [property: Id(4)] string SignalType,
    [property: Id(5)] double OldScore,
    [property: Id(6)] double NewScore,
    [property: Id(7)] string Band,
    [property: Id(8)] DateTimeOffset RecordedAt);
