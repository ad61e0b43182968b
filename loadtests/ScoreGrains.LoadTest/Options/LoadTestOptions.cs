namespace ScoreGrains.LoadTest.Options;

/// <summary>Everything a run is told: parsed from the command line on top of a named scenario.</summary>
public sealed class LoadTestOptions
{
    /// <summary>Hard ceiling on any run's length: every run stops by itself.</summary>
    public static readonly TimeSpan MaxRunTime = TimeSpan.FromMinutes(30);

    public string Scenario { get; set; } = "custom";

    public TargetKind Target { get; set; } = TargetKind.InProcess;

    public RunMode Mode { get; set; } = RunMode.OpenLoop;

    /// <summary>Base addresses of running silos for <see cref="TargetKind.Http"/>, sent to round-robin (default http://127.0.0.1:5080).</summary>
    public IList<Uri> Urls { get; } = [];

    /// <summary>HTTP: send the unacknowledged items of a batch again, same signalIds, to the next silo for this long (zero: never).</summary>
    public TimeSpan RetryFor { get; set; } = TimeSpan.Zero;

    /// <summary>Cluster scenarios: silo processes (cluster-scale: 1 up to this many, one stage each).</summary>
    public int Silos { get; set; } = 3;

    /// <summary>cluster-kill: when the last silo gets SIGKILL, from the start of the load.</summary>
    public TimeSpan KillAt { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Gateway endpoints (ip:port) for <see cref="TargetKind.Client"/>.</summary>
    public IList<string> Gateways { get; } = [];

    public string ServiceId { get; set; } = "scoregrains";

    public string ClusterId { get; set; } = "scoregrains";

    /// <summary>In-process silo: <c>journal</c> or <c>per-signal</c> (both durable), or <c>memory</c> (no writes).</summary>
    public string Persistence { get; set; } = "journal";

    /// <summary>In-process silo: use this PostgreSQL instead of starting an embedded one.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>In-process silo: extra configuration, <c>Key=Value</c> (e.g. <c>ScoreGrains:SnapshotMinInterval=00:01:00</c>).</summary>
    public IList<string> SiloSettings { get; set; } = [];

    /// <summary>In-process silo: minimum log level of the silo's own console logging.</summary>
    public string SiloLogLevel { get; set; } = "Error";

    /// <summary>Distinct subjects in the simulation, at most 10,000,000.</summary>
    public long Subjects { get; set; } = 100_000;

    /// <summary>Share of citizen, company and official subjects; normalised.</summary>
    public double[] KindMix { get; set; } = [80, 15, 5];

    public SkewKind Skew { get; set; } = SkewKind.Zipf;

    public double ZipfExponent { get; set; } = 0.9;

    /// <summary>Hot-set skew: fraction of subjects that are hot.</summary>
    public double HotFraction { get; set; } = 0.01;

    /// <summary>Hot-set skew: share of signals that go to the hot subjects.</summary>
    public double HotShare { get; set; } = 0.9;

    /// <summary><c>realistic</c> (positive facts common, adverse ones rare) or <c>uniform</c> over each model's types.</summary>
    public string TypeMix { get; set; } = "realistic";

    /// <summary>Share of signals whose occurredAt lies up to a year back (late records: exercises decay).</summary>
    public double LateShare { get; set; } = 0.1;

    public int BatchSize { get; set; } = 100;

    public int Producers { get; set; } = 4;

    /// <summary>Most batches in flight across all producers; beyond it producers wait (and latency counts the wait).</summary>
    public int MaxInFlight { get; set; } = 256;

    /// <summary>Target rate in signals per second; 0 = as fast as <see cref="MaxInFlight"/> allows (closed loop).</summary>
    public double Rate { get; set; } = 5_000;

    public TimeSpan Ramp { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan Duration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Stop after this many signals (whichever of this and <see cref="Duration"/> comes first).</summary>
    public long? Count { get; set; }

    /// <summary>How long to wait for outstanding batches after sending stops.</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Find-max: the p99 ack latency a rate must stay under.</summary>
    public TimeSpan MaxP99 { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Find-max: the share of signals that may fail at a sustainable rate; other runs: the exit-code bound.</summary>
    public double MaxErrorRate { get; set; }

    public TimeSpan StepDuration { get; set; } = TimeSpan.FromSeconds(15);

    public double StepFactor { get; set; } = 1.5;

    /// <summary>Find-max: rate refinements by bisection after the first failing step.</summary>
    public int Refinements { get; set; } = 2;

    /// <summary>
    /// Find-max: hold the found rate this long before reporting it, stepping down 20% while it fails (zero: report
    /// the short steps' maximum). Short steps overstate what is sustained: in-flight work can build for a minute first.
    /// </summary>
    public TimeSpan Hold { get; set; } = TimeSpan.Zero;

    /// <summary>Find-max: finish with a run at half the found rate and report its latency.</summary>
    public bool LatencyAtHalf { get; set; } = true;

    /// <summary>
    /// Before the measured load, activate every subject once (one signal each, in order) in small batches with one
    /// batch in flight per producer: keeps concurrent activations under the storage connection pool's size.
    /// </summary>
    public bool Activate { get; set; }

    /// <summary>Batch size of the activation phase (and so its concurrent activations per producer).</summary>
    public int ActivateBatch { get; set; } = 40;

    /// <summary>Compare every touched subject's score with an independent fold of what was acknowledged.</summary>
    public bool Check { get; set; }

    /// <summary>Measure empty grain calls and the subject call path before the load (in-process only).</summary>
    public bool Yardstick { get; set; }

    public TimeSpan YardstickDuration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Measure heap per active subject after a full GC, and per empty activation as the yardstick (in-process only).</summary>
    public bool MeasureMemory { get; set; }

    /// <summary>Prefix of subject and signal ids; a fresh random one per run unless given.</summary>
    public string? RunId { get; set; }

    public int Seed { get; set; } = 42;

    /// <summary>Folder for the JSON and HTML reports.</summary>
    public string? OutputDirectory { get; set; }

    /// <summary>Folder with the scoring models (default: the copy of cluster-config next to this tool).</summary>
    public string? ModelsDirectory { get; set; }

    /// <summary>Seconds between plain progress lines when the output is not a terminal.</summary>
    public TimeSpan PlainProgressEvery { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Journal benchmark: fixed rate for the latency of both modes (default: half the per-signal max).</summary>
    public double? FixedRate { get; set; }

    /// <summary>Journal benchmark: first find-max rate of the journal mode (default: the start rate of both modes).</summary>
    public double? JournalStartRate { get; set; }

    /// <summary>
    /// Journal benchmark: rows the journal must hold before its closed loop, filled by an unmeasured closed loop when the
    /// search wrote fewer (0: off). PostgreSQL inserts fewer rows per second into a bigger table, so a saturated figure
    /// means something only with the table size it was measured at.
    /// </summary>
    public long SaturateAtRows { get; set; }

    /// <summary>Journal benchmark: the modes to run, in order (per-signal, journal, memory: the silo without persistence, copy).</summary>
    public IList<string> CompareModes { get; set; } = ["per-signal", "journal", "memory", "copy"];

    /// <summary>Journal benchmark and journal-size: connections of the raw binary COPY.</summary>
    public int CopyConnections { get; set; } = 2;

    /// <summary>Journal benchmark: rows per COPY (one transaction each) of the raw limit; several sizes are tried.</summary>
    public IList<int> CopyBatches { get; set; } = [500, 5000];

    /// <summary>Journal-size: replay queries timed per sample kind.</summary>
    public int ReplaySamples { get; set; } = 1000;

    /// <summary>
    /// Journal-size: load the rows with the journal's two keys dropped and build them afterwards, as a bulk load does.
    /// Only way to reach a hundred million rows here in reasonable time: inserting into 64 B-trees at random places
    /// runs at ~25,000 rows/s past 10M rows. The indexes come out packed, so their size is a floor; the heap and
    /// the rows' spread over it (every subject's rows interleaved, as traffic writes them) are as the silo's.
    /// </summary>
    public bool IndexAfterLoad { get; set; }

    /// <summary>
    /// Journal-size: after the replay timings, <c>CLUSTER</c> the journal on its primary key and time the same subjects
    /// again: what re-clustering old partitions would give a replay whose rows traffic spread over the heap.
    /// </summary>
    public bool ClusterAfterLoad { get; set; }

    /// <summary>Spread: the targets, in order (<c>http</c>: a silo process, or the silo at <c>--url</c>; <c>inprocess</c>).</summary>
    public IList<string> SpreadTargets { get; set; } = ["http", "inprocess"];

    /// <summary>Spread and the journal benchmark: the few subjects the spread workload is compared with (all active first).</summary>
    public long SpreadFew { get; set; } = 3_000;

    /// <summary>Spread: how long the few subjects' stage runs; null for <see cref="StepDuration"/> (a 10M run wants its many stage long and this one short).</summary>
    public TimeSpan? SpreadFewDuration { get; set; }

    /// <summary>
    /// Journal benchmark: the many subjects of its second workload, spread traffic (uniform, fresh ids) beside Zipf, on
    /// the journal's and the in-memory silo (0: off). The spread scenario itself takes <see cref="Subjects"/>.
    /// </summary>
    public long SpreadSubjects { get; set; } = 1_000_000;

    /// <summary>A copy to change for one part of a run.</summary>
    public LoadTestOptions With(Action<LoadTestOptions> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var copy = (LoadTestOptions)MemberwiseClone();
        change(copy);
        return copy;
    }

    /// <summary>Ratio the generator ceiling is compared with (e.g. the max rate found), for <see cref="TargetKind.None"/>.</summary>
    public double? CompareRate { get; set; }
}
