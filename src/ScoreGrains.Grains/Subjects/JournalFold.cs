using ScoreGrains.Postgres.Journal;
using ScoreGrains.Scoring;

namespace ScoreGrains.Grains.Subjects;

/// <summary>
/// How a journal entry folds into a sheet, the one rule for replay, rescoring, the score at a past time and retraction.
/// Besides the producers' signals the journal holds entries of its own, typed and named with
/// <see cref="ScoringEngine.ReservedPrefix"/> (which no model type and no producer's signal id may start with), in the
/// same row shape so they travel the same append and replay paths: <c>$retraction</c> (signal id
/// <c>$retraction:&lt;signalId&gt;</c>) takes a disputed signal out of the fold; <c>$expiry</c> (occurred at the expiry
/// time) moves the clock there, which drops the adverse records expired by then, as a read does on a copy.
/// </summary>
internal static class JournalFold
{
    public const string RetractionType = "$retraction";

    public const string ExpiryType = "$expiry";

    private const string RetractionIdPrefix = RetractionType + ":";

    public static string RetractionId(string signalId) => RetractionIdPrefix + signalId;

    /// <summary>An expiry entry's id: one per expiry time (each later than the one before).</summary>
    public static string ExpiryId(DateTimeOffset at) => ExpiryType + ":" + at.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The signal a retraction entry retracts; null for any other entry.</summary>
    public static string? RetractedBy(JournalEntry entry) =>
        string.Equals(entry.SignalType, RetractionType, StringComparison.Ordinal) ? entry.SignalId[RetractionIdPrefix.Length..] : null;

    /// <summary>Whether the entry is one of the journal's own rather than a producer's signal.</summary>
    public static bool IsOwn(JournalEntry entry) => entry.SignalType.Length > 0 && entry.SignalType[0] == ScoringEngine.ReservedPrefix;

    /// <summary>
    /// Folds an entry exactly as when it was applied: a producer's signal unless it is retracted, an expiry. After a model change an entry
    /// the new model does not score (unknown type, value out of its range) is skipped, by the same deterministic rule
    /// every time, so a rescored subject never gets stuck.
    /// </summary>
    public static void Apply(ScoringModel model, ScoreSheet sheet, JournalEntry entry, IReadOnlySet<string>? retracted)
    {
        if (string.Equals(entry.SignalType, ExpiryType, StringComparison.Ordinal))
        {
            ScoringEngine.AdvanceClock(model, sheet, entry.OccurredAt);
            return;
        }

        if (IsOwn(entry) || (retracted is not null && retracted.Contains(entry.SignalId)))
        {
            return;
        }

        var signal = new ScoringSignal(entry.SignalId, entry.SignalType, entry.Value, entry.OccurredAt);
        if (ScoringEngine.Validate(model, signal, entry.RecordedAt) is null)
        {
            ScoringEngine.Apply(model, sheet, signal);
        }
    }
}
