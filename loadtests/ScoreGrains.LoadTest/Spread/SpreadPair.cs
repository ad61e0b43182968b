namespace ScoreGrains.LoadTest.Spread;

/// <summary>
/// The same spread workload over few subjects (all active) and over many (most activating), on one silo in one run;
/// in process also the yardstick's empty grain calls over as many grains (<see cref="SpreadYardstick"/>).
/// </summary>
public sealed record SpreadPair(string Target, string Persistence, SpreadStage Few, SpreadStage Many)
{
    /// <summary>Acknowledged/s over many subjects against over few: the target is at least 50%.</summary>
    public double? Ratio => Few.Phase.AckedPerSecond > 0 ? Many.Phase.AckedPerSecond / Few.Phase.AckedPerSecond : null;

    /// <summary>Empty grain calls/s over as many grains as the few subjects (activated first); null where not measured.</summary>
    public double? EmptyCallsFew { get; init; }

    /// <summary>Empty grain calls/s over as many fresh grains as the many subjects.</summary>
    public double? EmptyCallsMany { get; init; }

    /// <summary>Acknowledged signals/s over many subjects per empty grain call/s over as many grains: in memory mode the target is at least 0.8.</summary>
    public double? ManyPerEmptyCall => EmptyCallsMany > 0 ? Many.Phase.AckedPerSecond / EmptyCallsMany : null;

    /// <summary>The same over few subjects.</summary>
    public double? FewPerEmptyCall => EmptyCallsFew > 0 ? Few.Phase.AckedPerSecond / EmptyCallsFew : null;
}
