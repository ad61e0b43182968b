using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using ScoreGrains.Contracts;
using ScoreGrains.Grains.Observability;

namespace ScoreGrains.Grains.Notifications;

/// <summary>
/// This silo's <see cref="ICrossingSink"/>. A committed crossing is only a wake-up: the kind feeds
/// (<see cref="ICrossingFeedGrain"/>) and the web tail read the crossings themselves from the durable feed, in
/// sequence order, so nothing here can reorder or lose one. Wake-ups coalesce like group commit: whatever kinds
/// crossed while the previous wake was in flight go in the next one, so an idle silo wakes a feed at once and a busy
/// one sends few calls. No stream per subject: at most one call per kind in flight.
/// </summary>
public sealed class CrossingHub : ICrossingSink, IDisposable
{
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.DropWrite,
    });

    private readonly ConcurrentDictionary<string, bool> _crossedKinds = new(StringComparer.Ordinal);
    private readonly IGrainFactory _grains;
    private readonly NotificationCounters _counters;
    private readonly ScoreGrainsMetrics _metrics;
    private readonly ILogger<CrossingHub> _logger;
    private readonly CancellationTokenSource _stopping = new();

    public CrossingHub(IGrainFactory grains, NotificationCounters counters, ScoreGrainsMetrics metrics, ILogger<CrossingHub> logger)
    {
        _grains = grains;
        _counters = counters;
        _metrics = metrics;
        _logger = logger;
        _ = Task.Run(PumpAsync);
    }

    /// <summary>Raised (on the pump's thread) when this silo's subjects committed crossings: read the durable feed now.</summary>
    public event Action? Published;

    public void Publish(Crossing crossing)
    {
        if (crossing is null)
        {
            return;
        }

        _counters.AddCrossing(crossing.Kind);
        _metrics.CountCrossingWritten(crossing.Kind);
        _crossedKinds[crossing.Kind] = true;
        _wake.Writer.TryWrite(true);
    }

    public void Dispose()
    {
        // Registered as itself and as the sink: the container may dispose it twice.
        if (_wake.Writer.TryComplete())
        {
            _stopping.Cancel();
        }
    }

    private async Task PumpAsync()
    {
        var reader = _wake.Reader;
        try
        {
            while (await reader.WaitToReadAsync(_stopping.Token).ConfigureAwait(false))
            {
                reader.TryRead(out _);
                var kinds = new List<string>();
                foreach (var kind in _crossedKinds.Keys)
                {
                    if (_crossedKinds.TryRemove(kind, out _))
                    {
                        kinds.Add(kind);
                    }
                }

                try
                {
                    Published?.Invoke();
                }
                catch (Exception exception)
                {
                    _logger.LogWarning(exception, "A local crossing listener failed.");
                }

                await Task.WhenAll(kinds.Select(WakeAsync)).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Silo shutting down: the feeds poll the durable feed anyway.
        }
    }

    private async Task WakeAsync(string kind)
    {
        try
        {
            await _grains.GetGrain<ICrossingFeedGrain>(kind).WakeAsync().ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            _logger.LogDebug(exception, "Could not wake the {Kind} crossing feed; it polls.", kind);
        }
    }
}
