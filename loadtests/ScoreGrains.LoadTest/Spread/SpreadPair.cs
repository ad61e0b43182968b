namespace ScoreGrains.LoadTest.Spread;

/// <summary>The same spread workload over few subjects (all active) and over many (most activating), on one silo in one run.</summary>
public sealed record SpreadPair(string Target, string Persistence, SpreadStage Few, SpreadStage Many)
{
    /// <summary>Acknowledged/s over many subjects against over few: the target is at least 50%.</summary>
    public double? Ratio => Few.Phase.AckedPerSecond > 0 ? Many.Phase.AckedPerSecond / Few.Phase.AckedPerSecond : null;
}
