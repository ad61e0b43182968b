namespace ScoreGrains.Postgres.Journal;

/// <summary>One caller's append waiting for the commit that includes it.</summary>
internal sealed class PendingAppend(IReadOnlyList<JournalEntry> entries, IReadOnlyList<CrossingRecord> crossings)
{
    private readonly TaskCompletionSource<IReadOnlyList<long>> _committed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<JournalEntry> Entries { get; } = entries;

    /// <summary>When the append was queued (<see cref="System.Diagnostics.Stopwatch"/> timestamp).</summary>
    public long QueuedAt { get; } = System.Diagnostics.Stopwatch.GetTimestamp();

    public IReadOnlyList<CrossingRecord> Crossings { get; } = crossings;

    /// <summary>Completes with the crossings' global sequence numbers, in the order of <see cref="Crossings"/>.</summary>
    public Task<IReadOnlyList<long>> Committed => _committed.Task;

    public void Complete(IReadOnlyList<long> crossingSequences) => _committed.TrySetResult(crossingSequences);

    public void Fail(Exception exception) => _committed.TrySetException(exception);
}
