namespace ScoreGrains.Scoring;

/// <summary>A credit-bureau style key factor: one signal still in effect and what it does to the score.</summary>
/// <param name="Code">"R-" + signal type, e.g. <c>R-court.judgment_defaulted</c>.</param>
/// <param name="Description">The model rule's human description.</param>
/// <param name="Impact">Score points (before the dimension cap) this signal adds or removes now, after decay.</param>
/// <param name="SignalId">The signal that caused it.</param>
/// <param name="SignalType">Its type.</param>
public sealed record ReasonCode(string Code, string Description, double Impact, string? SignalId, string? SignalType);
