namespace ScoreGrains.LoadTest.Running;

/// <summary>One stretch of load: a target rate (0 = as fast as the in-flight limit allows), ramp, and limits.</summary>
public sealed record PhasePlan(string Name, double Rate, TimeSpan Ramp, TimeSpan Duration, long? Count);
