using System.ComponentModel.DataAnnotations;

namespace ScoreGrains.Grains.Hosting;

/// <summary>Settings under <c>ScoreGrains</c> in configuration.</summary>
public sealed class ScoreGrainsOptions
{
    public const string Section = "ScoreGrains";

    /// <summary>Folder with one scoring model per kind; relative paths resolve against the app's base directory.</summary>
    [Required]
    public string ModelsDirectory { get; set; } = "cluster-config/models";

    /// <summary>
    /// How often a silo looks for models uploaded on another silo (<c>PUT /v1/models/{kind}</c>): one indexed query
    /// per interval, and the longest a new model takes to reach every silo.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan ModelPollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Largest batch accepted in one call (HTTP or client).</summary>
    [Range(1, 100_000)]
    public int MaxBatchSize { get; set; } = 5_000;

    /// <summary>How many recent signal ids each subject remembers to reject retries as duplicates.</summary>
    [Range(1, 100_000)]
    public int DeduplicationWindow { get; set; } = 256;

    /// <summary>
    /// <c>journal</c> (default), <c>per-signal</c> (the baseline: one ADO.NET state write per subject call) or
    /// <c>memory</c> (no writes, benchmarks only). See <see cref="Hosting.PersistenceMode"/>.
    /// </summary>
    [RegularExpression("^(journal|per-signal|memory)$", ErrorMessage = "ScoreGrains:PersistenceMode must be journal, per-signal or memory.")]
    public string PersistenceMode { get; set; } = "journal";

    public PersistenceMode Persistence => PersistenceMode switch
    {
        "per-signal" => Hosting.PersistenceMode.PerSignal,
        "memory" => Hosting.PersistenceMode.Memory,
        _ => Hosting.PersistenceMode.Journal,
    };

    /// <summary>
    /// Journal mode: snapshot a subject after this many signals since its last snapshot, and when it deactivates idle
    /// (not when shed under memory pressure or when the silo stops: the next activation replays the journal after the
    /// snapshot instead; see <c>SubjectGrain.SnapshotsOnDeactivation</c>).
    /// Deliberately no timer: one snapshot per subject per interval is one commit each, and at 100k active
    /// subjects that alone used the whole write capacity. Replay after a snapshot is at most this many rows.
    /// </summary>
    [Range(1, 10_000_000)]
    public int SnapshotEverySignals { get; set; } = 1_000;

    /// <summary>
    /// Journal mode: a subject that reaches <see cref="SnapshotEverySignals"/> sooner than this after its activation or
    /// last snapshot waits until this much time has passed. A snapshot holds the subject's folds back for one storage
    /// write of its whole state (for a busy subject, Bloom filters of every id it applied), and under skewed load the
    /// busiest subjects are in nearly every batch: at 21k signals/s, snapshotting them every 1,000 signals tripled the
    /// median ack latency. Their replay after a crash is then at most this long's worth of their signals.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan SnapshotMinInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Journal mode: once a subject's snapshot fails, no subject of the silo takes one for this long
    /// (<see cref="Subjects.SnapshotPause"/>). The journal holds every acknowledged signal, so a skipped snapshot only
    /// makes a replay longer; when the database is down, the silo tries one snapshot per pause instead of one per subject.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan SnapshotPauseAfterFailure { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a subject stays in memory with no call before Orleans deactivates it (its activation collection age;
    /// Orleans' default is 15 minutes). A deactivation writes a snapshot if signals came since the last one, and the
    /// next signal activates the subject again from it.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:30", "7.00:00:00")]
    public TimeSpan SubjectIdleAge { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Orleans' memory-based activation shedding: when the process's memory use passes
    /// <see cref="MemoryLimitPercent"/> of what the machine (or container) allows, Orleans deactivates the least recently
    /// used activations until it is back under <see cref="MemoryTargetPercent"/>, so spread traffic over more subjects
    /// than fit in memory slows down (re-activations) instead of failing with an out-of-memory error.
    /// </summary>
    public bool ShedOnMemoryPressure { get; set; } = true;

    /// <summary>
    /// Memory use, percent of what is available to the process, at which shedding starts. Below Orleans' 80 on purpose:
    /// activations keep arriving between its 5-second polls (12k new subjects/s here, ~30 MB/s), a shed subject's memory
    /// comes back only at the next gen2 collection, and the embedded PostgreSQL shares the machine. At 80, a 10M-subject
    /// spread run took the silo's heap to 20.9 GB of 23 GiB and left the machine 600 MB (loadtests/README.md, run 2gq2wb);
    /// at 65 it still reached 20.3 GB (run fg7b4d), and at 50 18.9 GB (run 4tk2f3), because Orleans sheds only after a
    /// gen2 collection and a shed subject's memory comes back only at the next one, which server GC runs rarely: the
    /// limit gives room, it does not bound the overshoot. A GC heap hard limit (DOTNET_GCHeapHardLimitPercent) does: the
    /// percentages are then of it (run 99gx98).
    /// </summary>
    [Range(1, 100)]
    public double MemoryLimitPercent { get; set; } = 65;

    /// <summary>Memory use, percent, that shedding brings the process back to; below <see cref="MemoryLimitPercent"/>.</summary>
    [Range(1, 100)]
    public double MemoryTargetPercent { get; set; } = 55;
}
