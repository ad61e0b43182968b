using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ScoreGrains.Contracts;

namespace ScoreGrains.Grains.Notifications;

/// <summary>
/// This silo's <see cref="ICrossingSink"/>: takes committed crossings from its subjects into one bounded queue
/// and sends them, batched per kind, to each kind's <see cref="ICrossingFeedGrain"/>. Batches form like group
/// commit: whatever arrived while the previous send was in flight goes in the next one, so an idle silo sends a
/// lone crossing at once and a busy one sends few large calls. No stream per subject: one call per kind per batch.
/// </summary>
public sealed class CrossingHub : ICrossingSink, IDisposable
{
    private readonly Channel<Crossing> _queue;
    private readonly IGrainFactory _grains;
    private readonly NotificationCounters _counters;
    private readonly SubjectBandTally _tally;
    private readonly ILogger<CrossingHub> _logger;
    private readonly int _maxBatch;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _lostLock = new();
    private long? _lostAfter;

    public CrossingHub(
        IGrainFactory grains, NotificationCounters counters, SubjectBandTally tally, IOptions<NotificationOptions> options, ILogger<CrossingHub> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _grains = grains;
        _counters = counters;
        _tally = tally;
        _logger = logger;
        _maxBatch = options.Value.MaxBatch;
        _queue = Channel.CreateBounded<Crossing>(new BoundedChannelOptions(options.Value.SiloQueueLimit)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _ = Task.Run(PumpAsync);
    }

    /// <summary>Raised (on the pump's thread) for each batch of this silo's crossings, before it goes to the feeds.</summary>
    public event Action<IReadOnlyList<Crossing>>? Published;

    public void Publish(Crossing crossing)
    {
        if (crossing is null)
        {
            return;
        }

        _counters.AddCrossing(crossing.Kind);
        _tally.Crossed(crossing.Kind, crossing.OldBand, crossing.NewBand);
        if (!_queue.Writer.TryWrite(crossing))
        {
            MarkLost(crossing.Sequence - 1);
        }
    }

    public void Dispose()
    {
        // Registered as itself and as the sink: the container may dispose it twice.
        if (_queue.Writer.TryComplete())
        {
            _stopping.Cancel();
        }
    }

    private void MarkLost(long after)
    {
        lock (_lostLock)
        {
            _lostAfter = _lostAfter is { } lost ? Math.Min(lost, after) : after;
        }
    }

    private long? TakeLost()
    {
        lock (_lostLock)
        {
            var lost = _lostAfter;
            _lostAfter = null;
            return lost;
        }
    }

    private async Task PumpAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<Crossing>(_maxBatch);
        try
        {
            while (await reader.WaitToReadAsync(_stopping.Token).ConfigureAwait(false))
            {
                batch.Clear();
                while (batch.Count < _maxBatch && reader.TryRead(out var crossing))
                {
                    batch.Add(crossing);
                }

                await SendAsync(batch, TakeLost()).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Silo shutting down: what is left is in the durable feed.
        }
    }

    private async Task SendAsync(List<Crossing> batch, long? lostAfter)
    {
        batch.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
        try
        {
            Published?.Invoke(batch);
        }
        catch (Exception exception)
        {
            _logger.LogWarning(exception, "A local crossing listener failed.");
        }

        var byKind = batch.GroupBy(c => c.Kind, StringComparer.Ordinal).ToDictionary(g => g.Key, g => (IReadOnlyList<Crossing>)[.. g]);
        if (lostAfter is not null)
        {
            // Every kind's subscribers may have missed something: tell them all.
            foreach (var kind in Scoring.SubjectKinds.All.Select(Scoring.SubjectKinds.ToKey))
            {
                byKind.TryAdd(kind, []);
            }
        }

        await Task.WhenAll(byKind.Select(pair => SendKindAsync(pair.Key, new CrossingBatch(pair.Value, lostAfter)))).ConfigureAwait(false);
    }

    private async Task SendKindAsync(string kind, CrossingBatch batch)
    {
        try
        {
            await _grains.GetGrain<ICrossingFeedGrain>(kind).PublishAsync(batch).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            _logger.LogWarning(exception, "Could not push {Count} {Kind} crossings live; subscribers will resume from the durable feed.", batch.Crossings.Count, kind);
            if (batch.Crossings.Count > 0)
            {
                MarkLost(batch.Crossings[0].Sequence - 1);
            }
            else if (batch.LostAfter is { } lost)
            {
                MarkLost(lost);
            }
        }
    }
}
