using System.Threading.Channels;
using ScoreGrains.Contracts;

namespace ScoreGrains.Client.Notifications;

/// <summary>
/// Every crossing of one kind (optionally only into some bands), pushed live by the kind's
/// <see cref="ICrossingFeedGrain"/> and read from <see cref="Crossings"/>. Gap-free across drops: when the feed
/// drops this subscriber (it read too slowly, or live crossings were lost upstream) it subscribes again, buffers
/// live crossings, reads the missed ones from the durable feed, and then delivers the buffer, each crossing once.
/// Reading slowly is safe: pushes wait for room in the bounded channel, so the feed queues for this subscriber
/// alone until it drops it.
/// </summary>
public sealed class CrossingSubscription : IAsyncDisposable
{
    private const int PageSize = 1_000;
    private readonly IClusterClient _cluster;
    private readonly CrossingFilter _filter;
    private readonly Channel<Crossing> _channel;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly SemaphoreSlim _resumeLock = new(1, 1);
    private readonly RecentSequences _recent = new(65_536);
    private readonly CancellationTokenSource _stopping = new();
    private readonly CrossingReceiver _receiver;
    private readonly ICrossingObserver _reference;
    private List<Crossing>? _buffer;
    private long _last;
    private int _resumes;

    internal CrossingSubscription(IClusterClient cluster, CrossingFilter filter, int capacity)
    {
        _cluster = cluster;
        _filter = filter;
        _channel = Channel.CreateBounded<Crossing>(new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.Wait });
        _receiver = new CrossingReceiver(this);
        _reference = cluster.CreateObjectReference<ICrossingObserver>(_receiver);
    }

    /// <summary>The crossings, in the order they arrive (sequence order within a batch).</summary>
    public ChannelReader<Crossing> Crossings => _channel.Reader;

    /// <summary>The highest sequence delivered so far: keep it to resume a new subscription after a restart.</summary>
    public long LastSequence => Interlocked.Read(ref _last);

    /// <summary>How many times this subscription caught up from the durable feed after a drop.</summary>
    public int Resumes => Volatile.Read(ref _resumes);

    /// <summary>Raised after a catch-up from the durable feed, with the sequence it resumed after.</summary>
    public event Action<long>? Resumed;

    private ICrossingFeedGrain Feed => _cluster.GetGrain<ICrossingFeedGrain>(_filter.Kind!);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await Feed.UnsubscribeAsync(_reference).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // The lease expires on its own.
        }

        _cluster.DeleteObjectReference<ICrossingObserver>(_reference);
        _channel.Writer.TryComplete();
        _stopping.Dispose();
    }

    internal async Task StartAsync(long? after)
    {
        if (after is { } from)
        {
            await ResumeAsync(from).ConfigureAwait(false);
        }
        else
        {
            await Feed.SubscribeAsync(_reference, _filter).ConfigureAwait(false);
        }

        _ = RenewAsync();
    }

    internal async Task ReceiveAsync(IReadOnlyList<Crossing> crossings)
    {
        await _gate.WaitAsync(_stopping.Token).ConfigureAwait(false);
        try
        {
            if (_buffer is not null)
            {
                _buffer.AddRange(crossings);
                return;
            }

            foreach (var crossing in crossings)
            {
                await DeliverAsync(crossing).ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    internal void Dropped(long resumeAfter) => _ = ResumeSafelyAsync(resumeAfter);

    private async Task DeliverAsync(Crossing crossing)
    {
        if (!_recent.Add(crossing.Sequence))
        {
            return;
        }

        if (crossing.Sequence > _last)
        {
            Interlocked.Exchange(ref _last, crossing.Sequence);
        }

        await _channel.Writer.WriteAsync(crossing, _stopping.Token).ConfigureAwait(false);
    }

    private async Task ResumeSafelyAsync(long after)
    {
        try
        {
            await ResumeAsync(after).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // Disposed, or the cluster is unreachable: the renewal loop tries again.
            _ = exception;
        }
    }

    private async Task ResumeAsync(long after)
    {
        var from = after;
        await _resumeLock.WaitAsync(_stopping.Token).ConfigureAwait(false);
        try
        {
            await SetBufferingAsync(true).ConfigureAwait(false);
            await Feed.SubscribeAsync(_reference, _filter).ConfigureAwait(false);
            var pages = _cluster.GetGrain<ICrossingPageGrain>(0);
            while (true)
            {
                var page = await pages.ReadAsync(after, PageSize, _filter).ConfigureAwait(false);
                await DeliverUnderGateAsync(page.Crossings).ConfigureAwait(false);
                after = page.Next;
                if (page.Crossings.Count < PageSize)
                {
                    break;
                }
            }

            await SetBufferingAsync(false).ConfigureAwait(false);
            Interlocked.Increment(ref _resumes);
            Resumed?.Invoke(from);
        }
        finally
        {
            _resumeLock.Release();
        }
    }

    private async Task SetBufferingAsync(bool buffering)
    {
        await _gate.WaitAsync(_stopping.Token).ConfigureAwait(false);
        try
        {
            if (buffering)
            {
                _buffer ??= [];
                return;
            }

            var buffered = _buffer ?? [];
            _buffer = null;
            foreach (var crossing in buffered.OrderBy(c => c.Sequence))
            {
                await DeliverAsync(crossing).ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task DeliverUnderGateAsync(IReadOnlyList<Crossing> crossings)
    {
        await _gate.WaitAsync(_stopping.Token).ConfigureAwait(false);
        try
        {
            foreach (var crossing in crossings)
            {
                await DeliverAsync(crossing).ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task RenewAsync()
    {
        using var timer = new PeriodicTimer(ICrossingFeedGrain.Lease / 4);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false))
            {
                try
                {
                    if (await Feed.SubscribeAsync(_reference, _filter).ConfigureAwait(false))
                    {
                        // The feed had forgotten us (it moved silo, or dropped us): catch up what we missed.
                        await ResumeAsync(LastSequence).ConfigureAwait(false);
                    }
                }
                catch (Exception exception) when (exception is not OperationCanceledException and not OutOfMemoryException)
                {
                    _ = exception; // Next tick tries again; the lease outlives a few missed renewals.
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed.
        }
    }
}
