namespace ScoreGrains.LoadTest.Yardstick;

/// <summary>Grain call rates measured in the run's own silo before its load: the ratios are what to compare.
/// <see cref="InFlight"/> is the closed loop's width (calls that need storage with per-signal persistence use 64).</summary>
public sealed record YardstickResult(int Grains, int InFlight, double SecondsEach, string Persistence, IReadOnlyList<CallRate> Rates);
