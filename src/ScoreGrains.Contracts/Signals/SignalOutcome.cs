namespace ScoreGrains.Contracts;

/// <summary>The outcome of one signal, in the position it had in the batch.</summary>
/// <param name="SignalId">The signal's id as sent (null when it was missing).</param>
/// <param name="Status">Applied, duplicate or rejected.</param>
/// <param name="Field">For a rejection: the offending field, e.g. <c>subject.kind</c>.</param>
/// <param name="Code">For a rejection or a failure: a stable machine-readable code from <see cref="SignalOutcomeCodes"/>.</param>
/// <param name="Reason">For a rejection: a human-readable explanation.</param>
/// <param name="Score">For an applied signal: the subject's score right after it.</param>
/// <param name="Band">For an applied signal: the subject's band right after it.</param>
[GenerateSerializer, Immutable, Alias("ScoreGrains.SignalOutcome")]
public sealed record SignalOutcome(
    [property: Id(0)] string? SignalId,
    [property: Id(1)] SignalStatus Status,
    [property: Id(2)] string? Field = null,
    [property: Id(3)] string? Code = null,
    [property: Id(4)] string? Reason = null,
    [property: Id(5)] double? Score = null,
    [property: Id(6)] string? Band = null)
{
    public static SignalOutcome Rejected(string? signalId, string field, string code, string reason) =>
        new(signalId, SignalStatus.Rejected, field, code, reason);

    public static SignalOutcome Failed(string signalId, string reason) =>
        new(signalId, SignalStatus.Failed, Code: SignalOutcomeCodes.Unavailable, Reason: reason);
}
