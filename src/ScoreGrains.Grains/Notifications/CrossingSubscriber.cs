using Microsoft.Extensions.Logging;
using ScoreGrains.Contracts;

namespace ScoreGrains.Grains.Notifications;

/// <summary>
/// One subscriber of a <see cref="CrossingFeedGrain"/>: its filter, its bounded queue and its single in-flight
/// push. Runs on the feed grain's scheduler. Overflow, a failed or slow push, or crossings lost upstream drop it
/// from live push with <see cref="ICrossingObserver.OnDropped"/> naming where to resume.
/// </summary>
internal sealed class CrossingSubscriber(
    ICrossingObserver observer, CrossingFilter filter, long startedAfter, NotificationOptions options, Action<ICrossingObserver> remove, ILogger logger)
{
    private readonly Queue<Crossing> _pending = new();
    private long _lastDelivered = startedAfter;
    private long _inFlightFloor = long.MaxValue;
    private bool _sending;

    public CrossingFilter Filter { get; set; } = filter;

    public bool IsDropped { get; private set; }

    public void Offer(CrossingBatch batch)
    {
        if (IsDropped)
        {
            return;
        }

        if (batch.LostAfter is { } lost)
        {
            Drop(lost, "live crossings were lost upstream");
            return;
        }

        foreach (var crossing in batch.Crossings)
        {
            if (Filter.Matches(crossing))
            {
                _pending.Enqueue(crossing);
            }
        }

        if (_pending.Count > options.SubscriberQueueLimit)
        {
            Drop(null, $"its queue passed {options.SubscriberQueueLimit} crossings");
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

            _inFlightFloor = batch.Min(c => c.Sequence);
            try
            {
                await observer.OnCrossings(batch).WaitAsync(options.DeliveryTimeout);
                _lastDelivered = Math.Max(_lastDelivered, batch.Max(c => c.Sequence));
                _inFlightFloor = long.MaxValue;
            }
            catch (Exception exception)
            {
                logger.LogInformation(exception, "Dropping a crossing subscriber that did not take a batch.");
                Drop(null, "it did not take a batch in time");
            }
        }

        _sending = false;
    }

    private void Drop(long? lostAfter, string why)
    {
        if (IsDropped)
        {
            return;
        }

        IsDropped = true;
        var resumeAfter = Math.Min(lostAfter ?? long.MaxValue, _inFlightFloor == long.MaxValue ? long.MaxValue : _inFlightFloor - 1);
        if (_pending.Count > 0)
        {
            resumeAfter = Math.Min(resumeAfter, _pending.Min(c => c.Sequence) - 1);
        }

        if (resumeAfter == long.MaxValue)
        {
            resumeAfter = _lastDelivered;
        }

        _pending.Clear();
        logger.LogInformation("Dropped a crossing subscriber from live push because {Why}; it resumes after {Sequence}.", why, resumeAfter);
        remove(observer);
        try
        {
            _ = observer.OnDropped(resumeAfter);
        }
        catch (Exception exception)
        {
            logger.LogDebug(exception, "Could not tell a dropped subscriber.");
        }
    }
}
