namespace ScoreGrains.LoadTest.Running;

/// <summary>One interval of the live display and of the charts; rates are per second, latency in ms.</summary>
/// <param name="GcPauseMs">Time this process spent paused by the garbage collector during the interval: a stall with a
/// large pause is the silo's (in process) or the generator's own doing, not PostgreSQL's.</param>
public sealed record IntervalSample(
    double Seconds,
    string Phase,
    double TargetRate,
    double SentPerSecond,
    double AckedPerSecond,
    double ErrorsPerSecond,
    long InFlight,
    double P50Ms,
    double P90Ms,
    double P99Ms,
    double MaxMs,
    double HeapMb,
    double WorkingSetMb,
    double GcPauseMs,
    double? ProcessCpuPercent,
    double? PostgresCpuPercent,
    double? MachineCpuPercent);
