namespace ScoreGrains.Grains.Hosting;

/// <summary>How a subject grain makes an applied signal durable before it acknowledges it.</summary>
public enum PersistenceMode
{
    /// <summary>
    /// The default: append to the signal journal (group commit with every other subject of the silo), snapshot
    /// state through Orleans grain storage now and then, and replay the journal after the snapshot on activation.
    /// </summary>
    Journal,

    /// <summary>
    /// The baseline: write the subject's whole state through Orleans' ADO.NET grain storage on every call (one
    /// PostgreSQL commit per subject call). No journal, so no history, no crossing feed, and duplicates are only
    /// recognised within the recent-id window.
    /// </summary>
    PerSignal,

    /// <summary>Never write: folds live in memory only and are lost on restart. For measuring the in-memory
    /// path in benchmarks; never acknowledges durably, so never use it in production.</summary>
    Memory,
}
