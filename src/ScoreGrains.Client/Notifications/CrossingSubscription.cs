using System.Threading.Channels;
using ScoreGrains.Contracts;

namespace ScoreGrains.Client.Notifications;

/// <summary>
/// Every crossing of one kind (optionally only into some bands), pushed live by the kind's
/// <see cref="ICrossingFeedGrain"/> and read from <see cref="Crossings"/> in strictly increasing sequence order.
/// The feed pushes a gap-free run, so <see cref="LastSequence"/> is an exact resume point. Gap-free across drops:
/// when the feed drops or forgets this subscriber it subscribes again, buffers live crossings, reads the missed
/// ones from the durable feed after <see cref="LastSequence"/>, then delivers the buffer, each crossing once.
/// Reading slowly is safe: pushes wait for room in the bounded channel, so the feed queues for this subscriber
/// alone until it drops it.
/// </summary>
public sealed class CrossingSubscription : IAsyncDisposable
{
    // A page shorter than this is the feed's end: the grain's own cap, so the two cannot disagree.
    private const int PageSize = ICrossingPageGrain.MaxLimit;
    private readonly IClusterClient _cluster;
    private readonly CrossingFilter _filter;
    private readonly Channel<Crossing> _channel;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly SemaphoreSlim _resumeLock = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly CrossingReceiver _receiver;
    private readonly ICrossingObserver _reference;
    private List<Crossing>? _buffer;
    private long _last;
    private int _resumes;
    private bool _catchUpPending;

    internal CrossingSubscription(IClusterClient cluster, CrossingFilter filter, int capacity)
    {
        _cluster = cluster;
        _filter = filter;
        _channel = Channel.CreateBounded<Crossing>(new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.Wait });
        _receiver = new CrossingReceiver(this);
        _reference = cluster.CreateObjectReference<ICrossingObserver>(_receiver);
    }

    /// <summary>The crossings, in strictly increasing sequence order.</summary>
    public ChannelReader<Crossing> Crossings => _channel.Reader;

    /// <summary>
    /// Where this subscription stands: every matching crossing up to it was delivered (or, before the first one,
    /// the feed's end when it started). Keep it to resume a new subscription after a restart.
    /// </summary>
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
            await ResumeAsync(from, onlyIfForgotten: false).ConfigureAwait(false);
        }
        else
        {
            // "From now": start at the feed's end, so a later catch-up never replays older crossings.
            var subscription = await Feed.SubscribeAsync(_reference, _filter).ConfigureAwait(false);
            await AdvanceToAsync(subscription.After).ConfigureAwait(false);
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

    // What we delivered is exact; the feed's figure can lag it (a push it timed out on may still have arrived).
    internal void Dropped(long resumeAfter) => _ = ResumeSafelyAsync();

    private async Task DeliverAsync(Crossing crossing)
    {
        // Deliveries only move forward: anything at or below the position was delivered already (or predates a "from now" start).
        if (crossing.Sequence <= _last)
        {
            return;
        }

        await _channel.Writer.WriteAsync(crossing, _stopping.Token).ConfigureAwait(false);
        Interlocked.Exchange(ref _last, crossing.Sequence);
    }

    private async Task AdvanceToAsync(long after)
    {
        await _gate.WaitAsync(_stopping.Token).ConfigureAwait(false);
        try
        {
            if (after > _last)
            {
                Interlocked.Exchange(ref _last, after);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task ResumeSafelyAsync()
    {
        try
        {
            await ResumeAsync(null, onlyIfForgotten: false).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // Disposed, or the cluster is unreachable: live pushes stay buffered and the renewal loop tries again.
            _ = exception;
        }
    }

    /// <summary>
    /// Subscribes (again), buffering live pushes meanwhile, and catches up from the durable feed after
    /// <paramref name="start"/> or <see cref="LastSequence"/>. With <paramref name="onlyIfForgotten"/> (a renewal) it
    /// catches up only when the feed did not know this subscriber. If the catch-up fails, the buffer stays (nothing
    /// after the gap is delivered before the gap) and the next renewal catches up.
    /// </summary>
    private async Task ResumeAsync(long? start, bool onlyIfForgotten)
    {
        await _resumeLock.WaitAsync(_stopping.Token).ConfigureAwait(false);
        try
        {
            if (start is { } first)
            {
                await AdvanceToAsync(first).ConfigureAwait(false);
            }

            var from = LastSequence;
            var after = from;
            await SetBufferingAsync(true).ConfigureAwait(false);
            _catchUpPending |= !onlyIfForgotten;
            var subscription = await Feed.SubscribeAsync(_reference, _filter).ConfigureAwait(false);
            if (onlyIfForgotten && !subscription.IsNew && !_catchUpPending)
            {
                await SetBufferingAsync(false).ConfigureAwait(false);
                return;
            }

            _catchUpPending = true;
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
            _catchUpPending = false;
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
                    // Buffers while it renews: if the feed had forgotten us (it moved silo, or dropped us), its
                    // first pushes must wait until what we missed is read from the durable feed.
                    await ResumeAsync(null, onlyIfForgotten: true).ConfigureAwait(false);
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
