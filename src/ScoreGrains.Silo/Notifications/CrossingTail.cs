using System.Threading.Channels;
using ScoreGrains.Contracts;
using ScoreGrains.Grains.Notifications;
using ScoreGrains.Postgres.Crossings;

namespace ScoreGrains.Silo.Notifications;

/// <summary>
/// This silo's web push hub. It follows the durable feed (the <c>crossings</c> table) from its end and hands every
/// new page, in sequence order, to this silo's web connections. It reads when this silo's subjects publish a
/// crossing (the <see cref="CrossingHub"/> wakes it at once) and otherwise every <see cref="PollInterval"/>, which
/// picks up other silos' crossings. One indexed query per wake-up serves every connection on the silo, and
/// because it reads committed rows in sequence order, a connection's event ids only ever grow: resuming after
/// the last id a browser saw can neither miss nor repeat a crossing. Reads only while a connection listens (under
/// load an unwatched tail cost PostgreSQL a query per group commit); the first listener after a quiet spell starts
/// from the feed's end as it is then, like <see cref="CrossingFeedGrain"/>.
/// </summary>
internal sealed class CrossingTail(CrossingFeedReader reader, CrossingHub hub, ILogger<CrossingTail> logger) : BackgroundService
{
    public const int PageSize = 1_000;
    public const int ListenerCapacity = 4_096;
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(1);

    private readonly Lock _lock = new();

    // Held while the feed is read and _last moves, so a first listener's fresh start cannot interleave with a read.
    private readonly SemaphoreSlim _reading = new(1, 1);
    private readonly List<CrossingListener> _listeners = [];
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private long _last;

    /// <summary>Joins the tail at its current position.</summary>
    public async Task<CrossingListener> ListenAsync(CrossingFilter filter, CancellationToken cancellationToken)
    {
        await _ready.Task.WaitAsync(cancellationToken);
        await _reading.WaitAsync(cancellationToken);
        try
        {
            if (ListenerCount == 0)
            {
                // Nobody listened, so nothing was read: start from the end as it is now.
                _last = await reader.GetLastSequenceAsync(cancellationToken);
            }

            lock (_lock)
            {
                var listener = new CrossingListener(filter, _last, ListenerCapacity);
                _listeners.Add(listener);
                return listener;
            }
        }
        finally
        {
            _reading.Release();
        }
    }

    public void Unlisten(CrossingListener listener)
    {
        lock (_lock)
        {
            _listeners.Remove(listener);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        hub.Published += OnPublished;
        try
        {
            _last = await RetryAsync(reader.GetLastSequenceAsync, stoppingToken);
            _ready.TrySetResult();
            while (!stoppingToken.IsCancellationRequested)
            {
                if (!await TryReadNewAsync(stoppingToken))
                {
                    // Retried after a pause, without holding the read lock: a connection may join meanwhile (at
                    // the position read last) rather than wait for the database.
                    await Task.Delay(RetryInterval, stoppingToken);
                    continue;
                }

                await WaitForWakeAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            hub.Published -= OnPublished;
        }
    }

    private int ListenerCount
    {
        get
        {
            lock (_lock)
            {
                return _listeners.Count;
            }
        }
    }

    private void OnPublished() => _wake.Writer.TryWrite(true);

    private async Task WaitForWakeAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(PollInterval);
        try
        {
            await _wake.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Poll.
        }
    }

    /// <summary>Reads what is new if anyone listens; false when the feed could not be read.</summary>
    private async Task<bool> TryReadNewAsync(CancellationToken cancellationToken)
    {
        await _reading.WaitAsync(cancellationToken);
        try
        {
            if (ListenerCount > 0)
            {
                await ReadNewAsync(cancellationToken);
            }

            return true;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            logger.LogWarning(exception, "Could not read the crossing feed; trying again in {RetryInterval}.", RetryInterval);
            return false;
        }
        finally
        {
            _reading.Release();
        }
    }

    private async Task ReadNewAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var records = await reader.ReadAsync(new CrossingQuery(_last, PageSize), cancellationToken);
            if (records.Count == 0)
            {
                return;
            }

            var crossings = records.Select(r => r.ToCrossing()).ToList();
            lock (_lock)
            {
                foreach (var listener in _listeners)
                {
                    listener.Offer(crossings);
                }

                _last = crossings[^1].Sequence;
            }

            if (records.Count < PageSize)
            {
                return;
            }
        }
    }

    private async Task<long> RetryAsync(Func<CancellationToken, Task<long>> read, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return await read(cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.LogWarning(exception, "Could not read the crossing feed; trying again in {RetryInterval}.", RetryInterval);
                await Task.Delay(RetryInterval, cancellationToken);
            }
        }
    }
}
