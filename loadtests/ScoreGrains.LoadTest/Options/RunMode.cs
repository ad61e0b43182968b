namespace ScoreGrains.LoadTest.Options;

/// <summary>How the load is driven.</summary>
public enum RunMode
{
    /// <summary>Open loop at a fixed target rate (after a ramp) for a duration or a signal count.</summary>
    OpenLoop,

    /// <summary>Steps of open-loop load at rising rates until latency or errors pass the bound.</summary>
    FindMax,
}
