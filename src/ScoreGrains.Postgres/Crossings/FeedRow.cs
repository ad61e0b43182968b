namespace ScoreGrains.Postgres.Crossings;

/// <summary>One row of the <c>crossings</c> table: a subject entered another band. <see cref="ReasonsJson"/> is the
/// stored JSON array of reasons (<c>code, description, impact, signalId, signalType</c>).</summary>
public sealed record FeedRow(
    long Sequence,
    string SubjectKey,
    string SubjectKind,
    long JournalSeq,
    string SignalId,
    string SignalType,
    double OldScore,
    double NewScore,
    string OldBand,
    string NewBand,
    string ModelVersion,
    string ReasonsJson,
    DateTimeOffset OccurredAt,
    DateTimeOffset RecordedAt);
