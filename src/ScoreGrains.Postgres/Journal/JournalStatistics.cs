using System.Diagnostics.Metrics;

namespace ScoreGrains.Postgres.Journal;

/// <summary>What the writer has committed so far: how well group commit is batching.</summary>
/// <remarks>
/// Given the silo's meter, it also records each commit in two histograms there, so an operator sees the same figures
/// over time. Recorded once per commit (a few hundred a second at most), never per row.
/// </remarks>
public sealed class JournalStatistics
{
    // Commits take from about a millisecond (a few rows, fsync) to CommitTimeout (10 s by default); OpenTelemetry's
    // default buckets (0 to 10,000) are made for milliseconds and would put every commit in the first one.
    private static readonly double[] DurationBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    // Up to MaxBatchRows, 10,000 by default.
    private static readonly int[] RowBuckets = [1, 10, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 25_000];

    private readonly Histogram<double>? _commitDuration;
    private readonly Histogram<int>? _commitRows;
    private long _commits;
    private long _appends;
    private long _rows;
    private long _largestBatch;
    private long _slowestCommitTicks;
    private long _waiting;

    /// <param name="meter">Where to record each commit; none, and only the totals here are kept.</param>
    public JournalStatistics(Meter? meter = null)
    {
        _commitDuration = meter?.CreateHistogram(
            "scoregrains.journal.commit.duration", "s", "Journal group commits, from BEGIN to COMMIT.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _commitRows = meter?.CreateHistogram(
            "scoregrains.journal.commit.rows", "{row}", "Journal rows (signals) per group commit.",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = RowBuckets });
    }

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
        _commitDuration?.Record(took.TotalSeconds);
        _commitRows?.Record(rows);
    }

    private static void RaiseTo(ref long field, long value)
    {
        long seen;
        while (value > (seen = Interlocked.Read(ref field)) && Interlocked.CompareExchange(ref field, value, seen) != seen)
        {
        }
    }
}
