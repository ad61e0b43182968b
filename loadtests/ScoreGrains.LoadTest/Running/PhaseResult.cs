namespace ScoreGrains.LoadTest.Running;

/// <summary>
/// One stretch of load at one target rate. <see cref="AckedPerSecond"/> is acknowledgements over the time from
/// the first send to the last answer, the ramp counted as half its length (it carries half the rate);
/// <see cref="Steady"/> is the latency after the ramp, <see cref="All"/> including it.
/// </summary>
public sealed record PhaseResult(
    string Name,
    double TargetRate,
    double RampSeconds,
    double SendingSeconds,
    double ElapsedSeconds,
    Counters Counts,
    double SentPerSecond,
    double AckedPerSecond,
    double ErrorRate,
    LatencySummary All,
    LatencySummary Steady,
    bool DrainedInTime)
{
    /// <summary>Find-max verdict, with the reason when it failed.</summary>
    public string? Verdict { get; init; }

    /// <summary>CPU use from the phase's start to its last answer.</summary>
    public Resources.CpuUse? Cpu { get; init; }

    /// <summary>CPU time per acknowledged signal in the phase.</summary>
    public Resources.CpuTimePerItem? CpuPerSignal => Cpu?.PerItem(ElapsedSeconds, Counts.Acked);
}
