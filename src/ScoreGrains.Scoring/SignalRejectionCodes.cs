namespace ScoreGrains.Scoring;

/// <summary>The stable codes of <see cref="SignalRejection.Code"/>; clients may switch on them.</summary>
public static class SignalRejectionCodes
{
    /// <summary>The field is missing or blank.</summary>
    public const string Required = "required";

    /// <summary>The field is longer than allowed.</summary>
    public const string TooLong = "too_long";

    /// <summary>The signal id starts with <c>$</c>, which the journal keeps for its own entries (retractions, expiries).</summary>
    public const string Reserved = "reserved";

    /// <summary>The model has no rule for this signal type (includes types from contexts the model may not use).</summary>
    public const string UnknownType = "unknown_type";

    /// <summary>The value is NaN or infinite.</summary>
    public const string NotFinite = "not_finite";

    /// <summary>The value is outside the rule's [min, max].</summary>
    public const string OutOfRange = "out_of_range";

    /// <summary>occurredAt is more than the allowed clock skew after now.</summary>
    public const string InFuture = "in_future";

    /// <summary>occurredAt is before 1970-01-01T00:00:00Z.</summary>
    public const string BeforeEpoch = "before_epoch";
}
