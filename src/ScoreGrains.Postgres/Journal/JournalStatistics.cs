namespace ScoreGrains.Postgres.Journal;

/// <summary>What the writer has committed so far: how well group commit is batching.</summary>
public sealed class JournalStatistics
{
    private long _commits;
    private long _appends;
    private long _rows;
    private long _largestBatch;
    private long _slowestCommitTicks;
    private long _waiting;

    /// <summary>Transactions committed.</summary>
    public long Commits => Interlocked.Read(ref _commits);

    /// <summary>Append calls those commits completed.</summary>
    public long Appends => Interlocked.Read(ref _appends);

    /// <summary>Journal rows written.</summary>
    public long Rows => Interlocked.Read(ref _rows);

    /// <summary>Most append calls completed by a single commit.</summary>
    public long LargestBatch => Interlocked.Read(ref _largestBatch);

    /// <summary>The longest a commit took, from BEGIN to COMMIT.</summary>
    public TimeSpan SlowestCommit => TimeSpan.FromTicks(Interlocked.Read(ref _slowestCommitTicks));

    /// <summary>Appends queued or committing right now: their callers wait.</summary>
    public long Waiting => Interlocked.Read(ref _waiting);

    internal void RecordQueued() => Interlocked.Increment(ref _waiting);

    internal void RecordDone() => Interlocked.Decrement(ref _waiting);

    internal void RecordCommit(int appends, int rows, TimeSpan took)
    {
        Interlocked.Increment(ref _commits);
        Interlocked.Add(ref _appends, appends);
        Interlocked.Add(ref _rows, rows);
        RaiseTo(ref _largestBatch, appends);
        RaiseTo(ref _slowestCommitTicks, took.Ticks);
    }

    private static void RaiseTo(ref long field, long value)
    {
        long seen;
        while (value > (seen = Interlocked.Read(ref field)) && Interlocked.CompareExchange(ref field, value, seen) != seen)
        {
        }
    }
}
