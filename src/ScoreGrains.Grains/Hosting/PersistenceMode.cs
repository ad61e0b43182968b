namespace ScoreGrains.Grains.Hosting;

/// <summary>How a subject grain makes an applied signal durable before it acknowledges it.</summary>
public enum PersistenceMode
{
    /// <summary>Write the subject's whole state through Orleans' ADO.NET grain storage on every call: the simple,
    /// correct baseline (one PostgreSQL commit per subject call).</summary>
    PerSignal,

    /// <summary>Never write: folds live in memory only and are lost on restart. For measuring the in-memory
    /// path in benchmarks; never acknowledges durably, so never use it in production.</summary>
    Memory,
}
