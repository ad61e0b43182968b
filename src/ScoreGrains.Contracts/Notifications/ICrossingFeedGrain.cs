namespace ScoreGrains.Contracts;

/// <summary>
/// The live crossings of one subject kind (key: the kind, e.g. <c>citizen</c>). Every silo sends it batches of
/// the crossings its subjects committed; it pushes them to each subscriber through that subscriber's own
/// bounded queue. Subscriptions are leases: renew at least every <see cref="Lease"/>.
/// </summary>
[Alias("ScoreGrains.ICrossingFeedGrain")]
public interface ICrossingFeedGrain : IGrainWithStringKey
{
    /// <summary>How long a subscription lasts without renewal.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Starts or renews pushing this kind's crossings that match <paramref name="filter"/>. Returns false for a
    /// renewal, true when the feed did not know the subscriber (new, or lost: e.g. the feed moved silo), in
    /// which case crossings may have been missed since the last one received.
    /// </summary>
    [Alias("Subscribe")]
    Task<bool> SubscribeAsync(ICrossingObserver observer, CrossingFilter filter);

    /// <summary>Stops pushing to <paramref name="observer"/>.</summary>
    [Alias("Unsubscribe")]
    Task UnsubscribeAsync(ICrossingObserver observer);

    /// <summary>Fans a silo's batch out to the subscribers; returns once it is queued for each of them.</summary>
    [Alias("Publish")]
    Task PublishAsync(CrossingBatch batch);
}
