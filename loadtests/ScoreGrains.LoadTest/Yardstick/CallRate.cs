namespace ScoreGrains.LoadTest.Yardstick;

/// <summary>Closed-loop calls per second of one kind of grain call, with the ratio to the empty call.</summary>
public sealed record CallRate(string Name, double CallsPerSecond, double RatioToEmptyCall, string Description)
{
    /// <summary>Managed bytes allocated by this whole process (caller and silo) per call, over all rounds.</summary>
    public double AllocatedBytesPerCall { get; init; }

    /// <summary>CPU time of this whole process (caller and silo) per call, in microseconds, over all rounds.</summary>
    public double CpuMicrosPerCall { get; init; }
}
