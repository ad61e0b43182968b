namespace ScoreGrains.LoadTest.Generation;

/// <summary>
/// The generator's own ceiling with no target: signals made per second (objects only, as the in-process and client
/// targets send them) and with UTF-8 JSON serialization too (as the HTTP target sends them).
/// </summary>
public sealed record GeneratorResult(int Producers, double SignalsPerSecond, double SignalsPerSecondWithJson, double? CompareRate)
{
    /// <summary>The slower ceiling over the rate it is compared with (the aim is at least 5).</summary>
    public double? Ratio => CompareRate is > 0 ? Math.Min(SignalsPerSecond, SignalsPerSecondWithJson) / CompareRate : null;
}
