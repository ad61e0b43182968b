namespace ScoreGrains.Contracts;

/// <summary>
/// A subject entered another band. Stored in the same commit as the journal entry that caused it; its
/// <see cref="Sequence"/> is global and gap-tolerant, and orders the durable feed.
/// </summary>
[GenerateSerializer, Immutable, Alias("ScoreGrains.Crossing")]
public sealed record Crossing(
    [property: Id(0)] long Sequence,
    [property: Id(1)] string Kind,
    [property: Id(2)] string Id,
    [property: Id(3)] double OldScore,
    [property: Id(4)] double NewScore,
    [property: Id(5)] string OldBand,
    [property: Id(6)] string NewBand,
    [property: Id(7)] string ModelVersion,
    [property: Id(8)] string SignalId,
    [property: Id(9)] string SignalType,
    [property: Id(10)] IReadOnlyList<ScoreReason> Reasons,
    [property: Id(11)] DateTimeOffset OccurredAt,
    [property: Id(12)] DateTimeOffset RecordedAt);
