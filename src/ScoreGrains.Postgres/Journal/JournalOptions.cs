namespace ScoreGrains.Postgres.Journal;

/// <summary>Settings of the journal's group-commit writer (<c>ScoreGrains:Journal</c>).</summary>
public sealed class JournalOptions
{
    /// <summary>Concurrent commits. Two keep PostgreSQL busy while the next batch is gathered.</summary>
    public int Writers { get; set; } = 2;

    /// <summary>Most journal rows in one commit; more waiting appends go into the next one.</summary>
    public int MaxBatchRows { get; set; } = 10_000;

    /// <summary>How long one commit may take before its callers are told it failed (never a false ack).</summary>
    public TimeSpan CommitTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
