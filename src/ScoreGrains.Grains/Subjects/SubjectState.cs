using ScoreGrains.Postgres.Activation;
using ScoreGrains.Scoring;

namespace ScoreGrains.Grains.Subjects;

/// <summary>
/// What a subject grain stores through Orleans grain storage: its score sheet and recent signal ids. In
/// journal mode this is a snapshot that includes the journal up to <see cref="JournalPosition"/>.
/// </summary>
public sealed class SubjectState
{
    public ScoreSheet? Sheet { get; set; }

    public SignalIdWindow RecentSignalIds { get; set; } = new();

    /// <summary>The last journal entry (seq) folded into <see cref="Sheet"/>; 0 for none.</summary>
    public long JournalPosition { get; set; }

    /// <summary>Signals retracted by a dispute (journaled as <c>$retraction</c> entries): they no longer count.</summary>
    public HashSet<string>? Retracted { get; set; }

    /// <summary>The expiry (UTC ticks) the subject's expiry reminder is set for; 0 for none.</summary>
    public long ExpiryReminderAtTicks { get; set; }

    // Not stored (internal, so System.Text.Json skips them): what SubjectStateStorage read beside the snapshot.

    /// <summary>The journal after <see cref="JournalPosition"/>, read with the snapshot at activation; taken once.</summary>
    internal JournalTail? ReadTail { get; set; }

    /// <summary>How long the storage read at activation took.</summary>
    internal TimeSpan ReadTook { get; set; }
}
