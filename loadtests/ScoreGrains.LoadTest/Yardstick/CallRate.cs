namespace ScoreGrains.LoadTest.Yardstick;

/// <summary>Closed-loop calls per second of one kind of grain call, with the ratio to the empty call.</summary>
public sealed record CallRate(string Name, double CallsPerSecond, double RatioToEmptyCall, string Description);
