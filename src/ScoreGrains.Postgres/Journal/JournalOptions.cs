using System.ComponentModel.DataAnnotations;

namespace ScoreGrains.Postgres.Journal;

/// <summary>Settings of the journal's group-commit writer (<c>ScoreGrains:Journal</c>).</summary>
public sealed class JournalOptions
{
    /// <summary>
    /// Writer threads, each with its own connection and one commit at a time; a subject always uses the same one.
    /// Two keep PostgreSQL busy while the next batch is gathered (four measured slower: smaller commits, more fsyncs).
    /// </summary>
    [Range(1, 64)]
    public int Writers { get; set; } = 2;

    /// <summary>Most journal rows in one commit; more waiting appends go into the next one.</summary>
    [Range(1, 1_000_000)]
    public int MaxBatchRows { get; set; } = 10_000;

    /// <summary>
    /// How long an append may wait in the queue, and then how long its commit may take, before its caller is told
    /// it failed (never a false ack).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan CommitTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A commit that takes at least this long is logged as a warning with where its time went (COPY, crossings,
    /// COMMIT): every caller in the batch waited that long, and all their batches with them.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00")]
    public TimeSpan SlowCommit { get; set; } = TimeSpan.FromSeconds(1);
}
