namespace ScoreGrains.Scoring;

/// <summary>One fact about a subject, as the engine sees it.</summary>
/// <param name="SignalId">Producer-assigned idempotency key.</param>
/// <param name="Type">Signal type such as <c>payment.on_time</c>; matched ordinally against the model's rules.</param>
/// <param name="Value">Optional magnitude (e.g. hours for <c>volunteer.hours</c>).</param>
/// <param name="OccurredAt">Event time; the fold never reads the wall clock.</param>
public readonly record struct ScoringSignal(string SignalId, string Type, double? Value, DateTimeOffset OccurredAt);
