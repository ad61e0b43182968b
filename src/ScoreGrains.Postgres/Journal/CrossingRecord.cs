namespace ScoreGrains.Postgres.Journal;

/// <summary>A band crossing to store with the journal entry that caused it (<see cref="JournalSeq"/>).</summary>
/// <param name="ReasonsJson">The top reasons as a JSON array, stored as <c>jsonb</c>.</param>
public sealed record CrossingRecord(
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
