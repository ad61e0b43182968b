using ScoreGrains.LoadTest.Checking;
using ScoreGrains.LoadTest.Generation;
using ScoreGrains.LoadTest.Journal;
using ScoreGrains.LoadTest.Resources;
using ScoreGrains.LoadTest.Running;
using ScoreGrains.LoadTest.Yardstick;

namespace ScoreGrains.LoadTest.Reporting;

/// <summary>Everything a run found; written as JSON, rendered as the console table and the HTML chart.</summary>
public sealed record RunReport
{
    public string Tool { get; init; } = "ScoreGrains.LoadTest";

    public required string RunId { get; init; }

    public required string Scenario { get; init; }

    public required string CommandLine { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public double Seconds { get; init; }

    public required string Target { get; init; }

    public required string Machine { get; init; }

    public required IReadOnlyDictionary<string, string> Settings { get; init; }

    public YardstickResult? Yardstick { get; init; }

    public IReadOnlyList<PhaseResult> Phases { get; init; } = [];

    /// <summary>Find-max: the highest rate that met the bound.</summary>
    public double? MaxSustainableRate { get; init; }

    /// <summary>Find-max: the run at half of <see cref="MaxSustainableRate"/>.</summary>
    public PhaseResult? AtHalf { get; init; }

    public Counters? Totals { get; init; }

    public LatencySummary? Latency { get; init; }

    public long ActiveSubjects { get; init; }

    /// <summary>Average CPU (% of all cores) over the load: this process, PostgreSQL's processes, the machine.</summary>
    public double? ProcessCpuPercent { get; init; }

    public double? PostgresCpuPercent { get; init; }

    public double? MachineCpuPercent { get; init; }

    public MemoryResult? Memory { get; init; }

    public CheckResult? Check { get; init; }

    public GeneratorResult? Generator { get; init; }

    /// <summary>The journal benchmark: per-signal vs journal vs raw COPY, from one run.</summary>
    public JournalComparisonResult? JournalComparison { get; init; }

    /// <summary>The journal's size per million signals and its per-subject replay time.</summary>
    public JournalSizeResult? JournalSize { get; init; }

    /// <summary>The cluster scenarios: silos side by side, or the kill and the journal check.</summary>
    public Cluster.ClusterResult? Cluster { get; init; }

    /// <summary>Spread traffic: few then many uniform subjects, per target.</summary>
    public Spread.SpreadResult? Spread { get; init; }

    public IReadOnlyList<IntervalSample> Intervals { get; init; } = [];

    public IReadOnlyList<string> Problems { get; init; } = [];

    public bool Interrupted { get; init; }

    /// <summary>Why the exit code is not 0; empty when the run passed.</summary>
    public IReadOnlyList<string> Failures { get; init; } = [];

    public int ExitCode { get; init; }
}
