using Microsoft.Extensions.Logging;
using ScoreGrains.Contracts;
using ScoreGrains.Grains.Observability;

namespace ScoreGrains.Grains.Notifications;

/// <summary>
/// One subscriber of a <see cref="CrossingFeedGrain"/>: its filter, its bounded queue and its single in-flight
/// push. Runs on the feed grain's scheduler. The feed offers crossings in strictly increasing sequence order, so
/// what this subscriber was pushed is a prefix of the feed: overflow or a failed or slow push drops it from live
/// push with <see cref="ICrossingObserver.OnDropped"/> naming the last crossing pushed, an exact resume point.
/// </summary>
internal sealed class CrossingSubscriber(
    ICrossingObserver observer,
    CrossingFilter filter,
    long startedAfter,
    NotificationOptions options,
    Action<ICrossingObserver> remove,
    ScoreGrainsMetrics metrics,
    ILogger logger)
{
    private readonly Queue<Crossing> _pending = new();
    private readonly long _startedAfter = startedAfter;
    private long _lastDelivered = startedAfter;
    private bool _sending;

    public CrossingFilter Filter { get; set; } = filter;

    public bool IsDropped { get; private set; }

    /// <summary>Queues the matching ones of <paramref name="crossings"/>: the feed's next page, in sequence order.</summary>
    public void Offer(IReadOnlyList<Crossing> crossings)
    {
        if (IsDropped)
        {
            return;
        }

        // The limit counts what waits behind a push in flight: an idle subscriber takes a whole page at once.
        var busy = _sending;
        foreach (var crossing in crossings)
        {
            if (crossing.Sequence > _startedAfter && Filter.Matches(crossing))
            {
                _pending.Enqueue(crossing);
            }
        }

        if (busy && _pending.Count > options.SubscriberQueueLimit)
        {
            Drop($"its queue passed {options.SubscriberQueueLimit} crossings", ScoreGrainsMetrics.QueueFull);
            return;
        }

        if (!_sending && _pending.Count > 0)
        {
            _sending = true;
            _ = SendAsync();
        }
    }

    private async Task SendAsync()
    {
        while (_pending.Count > 0 && !IsDropped)
        {
            var batch = new List<Crossing>(Math.Min(_pending.Count, options.MaxBatch));
            while (batch.Count < options.MaxBatch && _pending.TryDequeue(out var crossing))
            {
                batch.Add(crossing);
            }

            try
            {
                await observer.OnCrossings(batch).WaitAsync(options.DeliveryTimeout);
                _lastDelivered = batch[^1].Sequence;
                metrics.CountCrossingsDelivered(batch[^1].Kind, ScoreGrainsMetrics.Orleans, batch.Count);
            }
            catch (Exception exception)
            {
                logger.LogInformation(exception, "Dropping a crossing subscriber that did not take a batch.");
                Drop("it did not take a batch in time", ScoreGrainsMetrics.PushFailed);
            }
        }

        _sending = false;
    }

    private void Drop(string why, string reason)
    {
        if (IsDropped)
        {
            return;
        }

        IsDropped = true;
        metrics.CountSubscriberDropped(ScoreGrainsMetrics.Orleans, reason);
        _pending.Clear();
        logger.LogInformation("Dropped a crossing subscriber from live push because {Why}; it resumes after {Sequence}.", why, _lastDelivered);
        remove(observer);
        try
        {
            _ = observer.OnDropped(_lastDelivered);
        }
        catch (Exception exception)
        {
            logger.LogDebug(exception, "Could not tell a dropped subscriber.");
        }
    }
}
