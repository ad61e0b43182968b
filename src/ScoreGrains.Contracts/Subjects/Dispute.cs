namespace ScoreGrains.Contracts;

/// <summary>
/// A subject's contest of one of its signals (FCRA §611, GDPR Art. 16 and 22). Open until an admin resolves it: upheld
/// (the signal stands) or retracted (the journal records a retraction; the signal stays in the record, marked, and no
/// longer counts). <see cref="Overdue"/> once it is still open after <see cref="DueAt"/> (the model's disputeDays).
/// </summary>
[GenerateSerializer, Immutable, Alias("ScoreGrains.Dispute")]
public sealed record Dispute(
    [property: Id(0)] Guid Id,
    [property: Id(1)] string Kind,
    [property: Id(2)] string SubjectId,
    [property: Id(3)] string SignalId,
    [property: Id(4)] string SignalType,
    [property: Id(5)] string Reason,
    [property: Id(6)] string Status,
    [property: Id(7)] DateTimeOffset OpenedAt,
    [property: Id(8)] string OpenedBy,
    [property: Id(9)] DateTimeOffset DueAt,
    [property: Id(10)] bool Overdue,
    [property: Id(11)] DateTimeOffset? ResolvedAt,
    [property: Id(12)] string? ResolvedBy,
    [property: Id(13)] string? Note);

/// <summary>The values of <see cref="Dispute.Status"/>; an outcome of a resolution is one of the last two.</summary>
public static class DisputeStatus
{
    public const string Open = "open";

    /// <summary>Resolved: the signal stands.</summary>
    public const string Upheld = "upheld";

    /// <summary>Resolved: the signal no longer counts.</summary>
    public const string Retracted = "retracted";

    public static bool IsOutcome(string? status) => status is Upheld or Retracted;

    public static bool IsKnown(string? status) => status is Open or Upheld or Retracted;
}

/// <summary>An open dispute, and whether this call opened it (false: the signal's open dispute already existed).</summary>
[GenerateSerializer, Immutable, Alias("ScoreGrains.DisputeOpening")]
public sealed record DisputeOpening([property: Id(0)] Dispute Dispute, [property: Id(1)] bool Created);
