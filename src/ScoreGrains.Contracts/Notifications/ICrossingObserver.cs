using Orleans.Concurrency;

namespace ScoreGrains.Contracts;

/// <summary>Receives the crossings of one kind (see <see cref="ICrossingFeedGrain"/>).</summary>
[Alias("ScoreGrains.ICrossingObserver")]
public interface ICrossingObserver : IGrainObserver
{
    /// <summary>
    /// A batch of crossings in strictly increasing sequence order, each after the previous batch's. Not one-way on purpose: the feed sends the next batch
    /// only when this one returns, so a slow subscriber fills its own bounded queue and nobody else's.
    /// </summary>
    [Alias("OnCrossings")]
    Task OnCrossings(IReadOnlyList<Crossing> crossings);

    /// <summary>
    /// The feed stopped pushing to this subscriber (its queue overflowed or it did not answer). Every crossing
    /// after <paramref name="resumeAfter"/>, the last one pushed to it, may be missing: read them from
    /// the durable feed and subscribe again.
    /// </summary>
    [OneWay, Alias("OnDropped")]
    Task OnDropped(long resumeAfter);
}
