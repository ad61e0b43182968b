namespace ScoreGrains.Contracts;

/// <summary>Reads the durable crossing feed (PostgreSQL) for .NET subscribers that resume after a gap.</summary>
[Alias("ScoreGrains.ICrossingPageGrain")]
public interface ICrossingPageGrain : IGrainWithIntegerKey
{
    /// <summary>Up to <paramref name="limit"/> crossings after <paramref name="after"/> matching <paramref name="filter"/>, in sequence order.</summary>
    [Alias("Read")]
    Task<CrossingPage> ReadAsync(long after, int limit, CrossingFilter filter);
}
