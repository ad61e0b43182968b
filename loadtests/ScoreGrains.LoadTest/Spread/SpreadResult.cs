namespace ScoreGrains.LoadTest.Spread;

/// <summary>The spread scenario's result: one pair of stages per target (a silo process over HTTP, the silo in process).</summary>
public sealed record SpreadResult(IReadOnlyList<SpreadPair> Pairs);
