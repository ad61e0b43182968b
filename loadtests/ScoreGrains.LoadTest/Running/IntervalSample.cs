namespace ScoreGrains.LoadTest.Running;

/// <summary>One interval of the live display and of the charts; rates are per second, latency in ms.</summary>
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
    double? ProcessCpuPercent,
    double? MachineCpuPercent);
