using ScoreGrains.Contracts;
using ScoreGrains.Grains.Notifications;
using ScoreGrains.Grains.Observability;
using ScoreGrains.Postgres.Crossings;

namespace ScoreGrains.Silo.Notifications;

/// <summary>
/// One SSE connection's crossings. Joins the tail first (live crossings after its position queue up), replays
/// the durable feed from the client's position up to the tail's, then sends the live ones: every crossing once,
/// in sequence order. If the connection falls behind and its live queue overflows, it leaves the tail and does
/// the same again from the last id it sent: a slow reader costs itself durable reads, never anyone else time.
/// The response starts only once the connection has joined the tail, so a client holding the headers gets every
/// crossing that commits from then on.
/// </summary>
internal sealed class CrossingStream(
    CrossingFilter filter, long? after, CrossingTail tail, CrossingFeedReader reader, ServerSentEvents events, ScoreGrainsMetrics metrics)
{
    private long? _lastSent = after;
    private bool _started;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var listener = await tail.ListenAsync(filter, cancellationToken);
            try
            {
                if (!_started)
                {
                    await events.StartAsync(cancellationToken);
                    _started = true;
                }

                await ReplayAsync(listener.Floor, cancellationToken);
                _lastSent = Math.Max(_lastSent ?? listener.Floor, listener.Floor);
                await FollowAsync(listener, cancellationToken);
                metrics.CountSubscriberDropped(ScoreGrainsMetrics.Sse, ScoreGrainsMetrics.QueueFull);
                await events.CommentAsync($"fell behind; replaying from the durable feed after {_lastSent}", cancellationToken);
            }
            finally
            {
                tail.Unlisten(listener);
            }
        }
    }

    private async Task ReplayAsync(long upTo, CancellationToken cancellationToken)
    {
        while (_lastSent is { } sent && sent < upTo)
        {
            var records = await reader.ReadAsync(filter.ToQuery(sent, CrossingTail.PageSize, upTo), cancellationToken);
            foreach (var record in records)
            {
                await events.WriteAsync("crossing", record.ToCrossing(), record.Sequence, cancellationToken);
                metrics.CountCrossingsDelivered(record.Crossing.SubjectKind, ScoreGrainsMetrics.Sse, 1);
            }

            await events.FlushAsync(cancellationToken);
            if (records.Count < CrossingTail.PageSize)
            {
                return;
            }

            _lastSent = records[^1].Sequence;
        }
    }

    /// <summary>Sends live crossings until the listener overflows.</summary>
    private async Task FollowAsync(CrossingListener listener, CancellationToken cancellationToken)
    {
        var reader = listener.Reader;
        using var keepAlive = new KeepAlive(events);
        while (await keepAlive.WaitToReadAsync(reader, onTick: null, cancellationToken))
        {
            while (reader.TryRead(out var crossing))
            {
                if (crossing.Sequence > _lastSent)
                {
                    await events.WriteAsync("crossing", crossing, crossing.Sequence, cancellationToken);
                    metrics.CountCrossingsDelivered(crossing.Kind, ScoreGrainsMetrics.Sse, 1);
                    _lastSent = crossing.Sequence;
                    keepAlive.Sent();
                }
            }

            await events.FlushAsync(cancellationToken);
        }
    }
}
