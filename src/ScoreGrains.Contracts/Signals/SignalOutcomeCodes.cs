using ScoreGrains.Scoring;

namespace ScoreGrains.Contracts;

/// <summary>
/// Every value <see cref="SignalOutcome.Code"/> can take: stable, so clients may switch on them. The scoring model's
/// own checks are the engine's codes (<see cref="SignalRejectionCodes"/>), repeated here by reference so that a
/// client finds them all in one place.
/// </summary>
public static class SignalOutcomeCodes
{
    /// <summary>Rejected: the field is missing or blank.</summary>
    public const string Required = SignalRejectionCodes.Required;

    /// <summary>Rejected: the field is longer than allowed.</summary>
    public const string TooLong = SignalRejectionCodes.TooLong;

    /// <summary>Rejected: the text has characters it may not have (control characters, a subject id outside <see cref="SubjectKey.IdRule"/>).</summary>
    public const string Invalid = "invalid";

    /// <summary>Rejected: <c>subject.kind</c> is not a kind the cluster scores.</summary>
    public const string UnknownKind = "unknown_kind";

    /// <summary>Rejected: the subject's model has no rule for this signal type.</summary>
    public const string UnknownType = SignalRejectionCodes.UnknownType;

    /// <summary>Rejected: the value is NaN or infinite (<c>1e999</c> in JSON).</summary>
    public const string NotFinite = SignalRejectionCodes.NotFinite;

    /// <summary>Rejected: the value is outside the rule's range.</summary>
    public const string OutOfRange = SignalRejectionCodes.OutOfRange;

    /// <summary>Rejected: <c>occurredAt</c> is more than the allowed clock skew ahead of the silo's clock.</summary>
    public const string InFuture = SignalRejectionCodes.InFuture;

    /// <summary>Rejected: <c>occurredAt</c> is before 1970-01-01T00:00:00Z.</summary>
    public const string BeforeEpoch = SignalRejectionCodes.BeforeEpoch;

    /// <summary>Rejected (HTTP only): the item is JSON of the wrong shape for the field, e.g. a string for <c>value</c> or text that is not Unicode.</summary>
    public const string InvalidJson = "invalid_json";

    /// <summary>Failed, not rejected: the signal could not be stored now. Retrying with the same signalId is safe.</summary>
    public const string Unavailable = "unavailable";
}
