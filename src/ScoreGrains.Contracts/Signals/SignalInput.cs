namespace ScoreGrains.Contracts;

/// <summary>
/// A signal as a producer sends it, over HTTP or through <c>ScoreGrains.Client</c>. Every field is optional
/// on the wire so that a missing one is reported on its own item instead of failing the whole batch.
/// </summary>
[GenerateSerializer, Immutable, Alias("ScoreGrains.SignalInput")]
public sealed record SignalInput
{
    /// <summary>Producer-assigned idempotency key: a retry with the same id is never counted twice.</summary>
    [Id(0)] public string? SignalId { get; init; }

    /// <summary>The subject the signal is about.</summary>
    [Id(1)] public SubjectInput? Subject { get; init; }

    /// <summary>Signal type known to the subject kind's scoring model, e.g. <c>payment.on_time</c>.</summary>
    [Id(2)] public string? Type { get; init; }

    /// <summary>Optional magnitude, e.g. hours for <c>volunteer.hours</c>.</summary>
    [Id(3)] public double? Value { get; init; }

    /// <summary>When the fact happened (event time: decay and expiry run on it).</summary>
    [Id(4)] public DateTimeOffset? OccurredAt { get; init; }

    /// <summary>Who reported the fact, e.g. <c>tax-office</c>.</summary>
    [Id(5)] public string? Source { get; init; }
}
