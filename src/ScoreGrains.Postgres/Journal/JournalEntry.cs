namespace ScoreGrains.Postgres.Journal;

/// <summary>One applied signal with its effect: a row of <c>signal_journal</c>.</summary>
/// <param name="SubjectKey">The subject, <c>kind/id</c>.</param>
/// <param name="Seq">The subject's journal position: 1, 2, 3... in the order the subject applied its signals.</param>
public sealed record JournalEntry(
    string SubjectKey,
    long Seq,
    string SignalId,
    string SignalType,
    double? Value,
    DateTimeOffset OccurredAt,
    string Source,
    double ScoreBefore,
    double ScoreAfter,
    string BandBefore,
    string BandAfter,
    string ModelVersion,
    DateTimeOffset RecordedAt);
