namespace ScoreGrains.Silo.Api;

/// <summary>One applied signal and what it did to the score: a row of the audit trail.</summary>
public sealed record HistoryEntry(
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
