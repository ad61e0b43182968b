using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Utilities;
using ScoreGrains.Contracts;
using ScoreGrains.Grains.Observability;
using ScoreGrains.Postgres.Crossings;

namespace ScoreGrains.Grains.Notifications;

/// <summary>
/// The live crossings of one kind. Follows the durable feed (the <c>crossings</c> table) like the web tail does:
/// reads <c>sequence &gt; last read</c> of its kind, in order, when a silo wakes it (<see cref="WakeAsync"/>) and
/// every <see cref="PollInterval"/> (other silos whose wake was lost, commits whose outcome their writer never
/// learned). Crossings commit in sequence order across the cluster, so this never skips one, and each subscriber
/// gets a gap-free, strictly increasing run through its own bounded queue with one push in flight: a slow one never
/// delays the silos or the other subscribers. Reads only while someone subscribes. Subscriptions expire unless
/// renewed (<see cref="ObserverManager{TIdentity, TObserver}"/>).
/// </summary>
internal sealed class CrossingFeedGrain(
    CrossingFeedReader reader, IOptions<NotificationOptions> options, ScoreGrainsMetrics metrics, ILogger<CrossingFeedGrain> logger)
    : Grain, ICrossingFeedGrain
{
    public const int PageSize = 1_000;
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    private readonly ObserverManager<ICrossingObserver, CrossingSubscriber> _subscribers = new(ICrossingFeedGrain.Lease, logger);
    private readonly List<ICrossingObserver> _dropped = [];
    private long? _highestRead;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        this.RegisterGrainTimer(PollAsync, new GrainTimerCreationOptions(PollInterval, PollInterval));
        return Task.CompletedTask;
    }

    public async Task<FeedSubscription> SubscribeAsync(ICrossingObserver observer, CrossingFilter filter)
    {
        ArgumentNullException.ThrowIfNull(observer);
        ArgumentNullException.ThrowIfNull(filter);
        RemoveDropped();
        var kindFilter = filter with { Kind = this.GetPrimaryKeyString() };
        if (_subscribers.Observers.TryGetValue(observer, out var existing) && !existing.IsDropped)
        {
            existing.Filter = kindFilter;
            _subscribers.Subscribe(observer, existing);
            return new FeedSubscription(false, _highestRead ?? 0);
        }

        if (_subscribers.Count == 0 || _highestRead is null)
        {
            // Nobody was following: start from the feed's end now (every sequence at or below it has committed).
            try
            {
                _highestRead = await reader.GetLastSequenceAsync(CancellationToken.None);
            }
            catch (NpgsqlException exception) when (exception.IsTransient)
            {
                throw FeedUnavailableException.ForDatabaseError(exception);
            }
        }

        var after = _highestRead.Value;
        _subscribers.Subscribe(observer, new CrossingSubscriber(observer, kindFilter, after, options.Value, Remove, metrics, logger));
        return new FeedSubscription(true, after);
    }

    public Task UnsubscribeAsync(ICrossingObserver observer)
    {
        _subscribers.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    public async Task WakeAsync()
    {
        try
        {
            await ReadNewAsync();
        }
        catch (NpgsqlException exception) when (exception.IsTransient)
        {
            throw FeedUnavailableException.ForDatabaseError(exception);
        }
    }

    private async Task PollAsync(CancellationToken cancellationToken)
    {
        try
        {
            await ReadNewAsync();
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            logger.LogWarning(exception, "Could not read the {Kind} crossing feed; trying again at the next poll.", this.GetPrimaryKeyString());
        }
    }

    private async Task ReadNewAsync()
    {
        RemoveDropped();
        if (_subscribers.Count == 0 || _highestRead is not { } after)
        {
            return;
        }

        var kind = this.GetPrimaryKeyString();
        while (true)
        {
            var records = await reader.ReadAsync(new CrossingQuery(after, PageSize, Kind: kind), CancellationToken.None);
            if (records.Count == 0)
            {
                return;
            }

            var crossings = records.Select(r => r.ToCrossing()).ToList();
            after = crossings[^1].Sequence;
            _highestRead = after;
            _subscribers.Notify(subscriber => subscriber.Offer(crossings));
            RemoveDropped();
            if (records.Count < PageSize || _subscribers.Count == 0)
            {
                return;
            }
        }
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
