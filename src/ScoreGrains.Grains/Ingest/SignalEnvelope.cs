using System.Buffers;
using ScoreGrains.Contracts;
using ScoreGrains.Scoring;

namespace ScoreGrains.Grains.Ingest;

/// <summary>
/// Checks what every signal needs before it can be routed to a subject: ids, subject, type, time and source.
/// What depends on the subject's scoring model (known type, value range, future time) is checked by the
/// subject grain through <see cref="ScoringEngine.Validate"/>.
/// </summary>
internal static class SignalEnvelope
{
    public const int MaxSignalIdLength = ScoringEngine.MaxSignalIdLength;
    public const int MaxTypeLength = 64;
    public const int MaxSourceLength = 128;

    /// <summary>Returns null and the routed signal when the envelope is sound, else the rejection.</summary>
    public static SignalOutcome? Check(SignalInput input, out string subjectKey, out SubjectSignal signal)
    {
        subjectKey = "";
        signal = null!;
        var signalId = input.SignalId;

        if (Text(signalId, "signalId", MaxSignalIdLength) is { } badId)
        {
            return badId with { SignalId = null };
        }

        if (input.Subject is not { } subject)
        {
            return SignalOutcome.Rejected(signalId, "subject", SignalOutcomeCodes.Required, "subject is required: { \"kind\": ..., \"id\": ... }.");
        }

        if (!SubjectKinds.TryParse(subject.Kind, out var kind))
        {
            return subject.Kind is null
                ? SignalOutcome.Rejected(signalId, "subject.kind", SignalOutcomeCodes.Required, "subject.kind is required: citizen, company or official.")
                : SignalOutcome.Rejected(signalId, "subject.kind", SignalOutcomeCodes.UnknownKind, $"subject.kind '{Shorten(subject.Kind)}' is not one of {SubjectKinds.Listed}.");
        }

        if (!SubjectKey.IsValidId(subject.Id))
        {
            return subject.Id is null
                ? SignalOutcome.Rejected(signalId, "subject.id", SignalOutcomeCodes.Required, "subject.id is required.")
                : SignalOutcome.Rejected(signalId, "subject.id", SignalOutcomeCodes.Invalid, $"subject.id must be {SubjectKey.IdRule}.");
        }

        if (Text(input.Type, "type", MaxTypeLength) is { } badType)
        {
            return badType with { SignalId = signalId };
        }

        if (input.OccurredAt is not { } occurredAt)
        {
            return SignalOutcome.Rejected(signalId, "occurredAt", SignalOutcomeCodes.Required, "occurredAt is required (ISO 8601 with offset).");
        }

        if (Text(input.Source, "source", MaxSourceLength) is { } badSource)
        {
            return badSource with { SignalId = signalId };
        }

        subjectKey = SubjectKey.Format(SubjectKinds.ToKey(kind), subject.Id!);
        signal = new SubjectSignal(signalId!, input.Type!, input.Value, occurredAt, input.Source!);
        return null;
    }

    // Exactly what char.IsControl accepts: U+0000-U+001F and U+007F-U+009F.
    private static readonly SearchValues<char> ControlCharacters =
        SearchValues.Create([.. Enumerable.Range(0, 0xA0).Select(c => (char)c).Where(char.IsControl)]);

    private static SignalOutcome? Text(string? value, string field, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return SignalOutcome.Rejected(null, field, SignalOutcomeCodes.Required, $"{field} is required.");
        }

        if (value.Length > maxLength)
        {
            return SignalOutcome.Rejected(null, field, SignalOutcomeCodes.TooLong, $"{field} is {value.Length} characters long; at most {maxLength} are allowed.");
        }

        return value.AsSpan().ContainsAny(ControlCharacters)
            ? SignalOutcome.Rejected(null, field, SignalOutcomeCodes.Invalid, $"{field} must not contain control characters.")
            : null;
    }

    private static string Shorten(string text) => text.Length <= 32 ? text : text[..32] + "…";
}
