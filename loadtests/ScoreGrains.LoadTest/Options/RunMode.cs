namespace ScoreGrains.LoadTest.Options;

/// <summary>How the load is driven.</summary>
public enum RunMode
{
    /// <summary>Open loop at a fixed target rate (after a ramp) for a duration or a signal count.</summary>
    OpenLoop,

    /// <summary>Steps of open-loop load at rising rates until latency or errors pass the bound.</summary>
    FindMax,

    /// <summary>The journal benchmark: find-max per-signal, then journal (fresh silo and database each), fixed-rate latency of both, then the raw COPY limit.</summary>
    JournalVsBaseline,

    /// <summary>No silo: bulk-load journal rows by COPY, then size per million rows and per-subject replay time.</summary>
    JournalSize,

    /// <summary>The same load against 1, 2, ... silo processes on one PostgreSQL, a fresh database each: what a silo adds.</summary>
    ClusterScale,

    /// <summary>Silo processes on one PostgreSQL, SIGKILL of one mid-load, retries with the same ids, then the journal check.</summary>
    ClusterKill,

    /// <summary>Spread traffic (uniform subjects, few then many) over HTTP to a silo process, then in process: what spreading costs.</summary>
    Spread,
}
