namespace ScoreGrains.Postgres.Journal;

/// <summary>One caller's append waiting for the commit that includes it.</summary>
internal sealed class PendingAppend(
    IReadOnlyList<JournalEntry> entries, IReadOnlyList<CrossingRecord> crossings, Task? after, Action<Task>? committed, JournalStatistics statistics)
{
    private readonly TaskCompletionSource<IReadOnlyList<long>> _committed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<JournalEntry> Entries { get; } = entries;

    /// <summary>When the append was queued (<see cref="System.Diagnostics.Stopwatch"/> timestamp).</summary>
    public long QueuedAt { get; } = System.Diagnostics.Stopwatch.GetTimestamp();

    public IReadOnlyList<CrossingRecord> Crossings { get; } = crossings;

    /// <summary>The same subject's previous append, when it had not committed as this one was made.</summary>
    public Task? After { get; } = after;

    /// <summary>Completes with the crossings' global sequence numbers, in the order of <see cref="Crossings"/>.</summary>
    public Task<IReadOnlyList<long>> Committed => _committed.Task;

    public void Complete(IReadOnlyList<long> crossingSequences)
    {
        if (_committed.TrySetResult(crossingSequences))
        {
            statistics.RecordDone();
            committed?.Invoke(_committed.Task);
        }
    }

    public void Fail(Exception exception)
    {
        if (_committed.TrySetException(exception))
        {
            statistics.RecordDone();
        }
    }
}
