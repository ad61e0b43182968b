namespace ScoreGrains.Contracts;

/// <summary>Reads the durable crossing feed (PostgreSQL) for .NET subscribers that resume after a gap.</summary>
[Alias("ScoreGrains.ICrossingPageGrain")]
public interface ICrossingPageGrain : IGrainWithIntegerKey
{
    /// <summary>The most crossings one page holds: a larger <c>limit</c> is read as this.</summary>
    public const int MaxLimit = 1_000;

    /// <summary>Up to <paramref name="limit"/> crossings after <paramref name="after"/> matching <paramref name="filter"/>, in sequence order.</summary>
    [Alias("Read")]
    Task<CrossingPage> ReadAsync(long after, int limit, CrossingFilter filter);
}
