namespace ScoreGrains.Contracts;

/// <summary>
/// The live crossings of one subject kind (key: the kind, e.g. <c>citizen</c>). It follows the durable feed (the
/// <c>crossings</c> table) itself, in sequence order, woken by silos whose subjects committed a crossing and by a
/// short poll; it pushes each page to each subscriber through that subscriber's own bounded queue. Deliveries to a
/// subscriber are therefore gap-free and strictly increasing in sequence, so the last one received is an exact
/// resume point. Subscriptions are leases: renew at least every <see cref="Lease"/>.
/// </summary>
[Alias("ScoreGrains.ICrossingFeedGrain")]
public interface ICrossingFeedGrain : IGrainWithStringKey
{
    /// <summary>How long a subscription lasts without renewal.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Starts or renews pushing this kind's crossings that match <paramref name="filter"/>. A new subscriber
    /// receives every matching crossing after <see cref="FeedSubscription.After"/>.
    /// </summary>
    [Alias("Subscribe")]
    Task<FeedSubscription> SubscribeAsync(ICrossingObserver observer, CrossingFilter filter);

    /// <summary>Stops pushing to <paramref name="observer"/>.</summary>
    [Alias("Unsubscribe")]
    Task UnsubscribeAsync(ICrossingObserver observer);

    /// <summary>New crossings of this kind were committed: read them now rather than at the next poll.</summary>
    [Alias("Wake")]
    Task WakeAsync();
}
