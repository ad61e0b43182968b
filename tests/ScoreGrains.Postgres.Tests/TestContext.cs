namespace ScoreGrains.Postgres.Tests;

public static class TestContext
{
    private static readonly CancellationTokenSource _run = new(TimeSpan.FromMinutes(10));

    /// <summary>A bound for every wait, so a hang fails the tests instead of stalling the run.</summary>
    public static CancellationToken Timeout => _run.Token;
}
