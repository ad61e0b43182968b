namespace ScoreGrains.Contracts;

/// <summary>A signal whose envelope (ids, subject, lengths) has been checked, addressed to one subject grain.</summary>
[GenerateSerializer, Immutable, Alias("ScoreGrains.SubjectSignal")]
public sealed record SubjectSignal(
    [property: Id(0)] string SignalId,
    [property: Id(1)] string Type,
    [property: Id(2)] double? Value,
    [property: Id(3)] DateTimeOffset OccurredAt,
    [property: Id(4)] string Source);
