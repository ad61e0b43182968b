using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Utilities;
using ScoreGrains.Contracts;

namespace ScoreGrains.Grains.Notifications;

/// <summary>
/// The live crossings of one kind. Silos send it batches; it queues each batch for every subscriber whose filter
/// matches, each subscriber with its own bounded queue and one push in flight, so a slow one never delays the
/// silos or the other subscribers. Subscriptions expire unless renewed (<see cref="ObserverManager{TIdentity, TObserver}"/>).
/// </summary>
internal sealed class CrossingFeedGrain(IOptions<NotificationOptions> options, ILogger<CrossingFeedGrain> logger) : Grain, ICrossingFeedGrain
{
    private readonly ObserverManager<ICrossingObserver, CrossingSubscriber> _subscribers = new(ICrossingFeedGrain.Lease, logger);
    private readonly List<ICrossingObserver> _dropped = [];
    private long _highest;

    public Task<bool> SubscribeAsync(ICrossingObserver observer, CrossingFilter filter)
    {
        ArgumentNullException.ThrowIfNull(observer);
        ArgumentNullException.ThrowIfNull(filter);
        RemoveDropped();
        var kindFilter = filter with { Kind = this.GetPrimaryKeyString() };
        if (_subscribers.Observers.TryGetValue(observer, out var existing) && !existing.IsDropped)
        {
            existing.Filter = kindFilter;
            _subscribers.Subscribe(observer, existing);
            return Task.FromResult(false);
        }

        _subscribers.Subscribe(observer, new CrossingSubscriber(observer, kindFilter, _highest, options.Value, Remove, logger));
        return Task.FromResult(true);
    }

    public Task UnsubscribeAsync(ICrossingObserver observer)
    {
        _subscribers.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    public Task PublishAsync(CrossingBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        foreach (var crossing in batch.Crossings)
        {
            _highest = Math.Max(_highest, crossing.Sequence);
        }

        _subscribers.Notify(subscriber => subscriber.Offer(batch));
        RemoveDropped();
        return Task.CompletedTask;
    }

    // A subscriber drops itself while the manager enumerates; remove it afterwards.
    private void Remove(ICrossingObserver observer) => _dropped.Add(observer);

    private void RemoveDropped()
    {
        foreach (var observer in _dropped)
        {
            _subscribers.Unsubscribe(observer);
        }

        _dropped.Clear();
    }
}
