namespace ScoreGrains.Scoring;

/// <summary>Why a signal cannot be folded.</summary>
/// <param name="Field">The offending field: "signalId", "type", "value" or "occurredAt".</param>
/// <param name="Code">A stable code from <see cref="SignalRejectionCodes"/>.</param>
/// <param name="Message">A human sentence naming the problem.</param>
public sealed record SignalRejection(string Field, string Code, string Message);
