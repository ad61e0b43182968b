using System.Threading.Channels;
using ScoreGrains.Contracts;

namespace ScoreGrains.Client.Notifications;

/// <summary>
/// Watches a list of subjects through <see cref="ISubjectGrain.WatchAsync"/>, renewing the lease, and delivers
/// their crossings and disputes (and, when asked, every score change). Subject pushes are one-way, so the channels are
/// bounded and never block a subject: score changes keep the newest (a live view needs the latest score), and
/// crossings that find no room are counted in <see cref="MissedCrossings"/>; read them from the durable feed
/// (<see cref="ScoreGrainsSubscriber.ReadAsync"/> with a subject filter).
/// </summary>
public sealed class SubjectWatch : IAsyncDisposable
{
    private readonly IClusterClient _cluster;
    private readonly IReadOnlyList<string> _keys;
    private readonly bool _scoreChanges;
    private readonly Channel<Crossing> _crossings;
    private readonly Channel<ScoreChange> _changes;
    private readonly Channel<Dispute> _disputes;
    private readonly CancellationTokenSource _stopping = new();
    private readonly SubjectReceiver _receiver;
    private readonly ISubjectObserver _reference;
    private long _missed;

    internal SubjectWatch(IClusterClient cluster, IReadOnlyList<string> keys, bool scoreChanges, int capacity)
    {
        _cluster = cluster;
        _keys = keys;
        _scoreChanges = scoreChanges;
        _crossings = Channel.CreateBounded<Crossing>(new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropWrite });
        _changes = Channel.CreateBounded<ScoreChange>(new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest });
        _disputes = Channel.CreateBounded<Dispute>(new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest });
        _receiver = new SubjectReceiver(this);
        _reference = cluster.CreateObjectReference<ISubjectObserver>(_receiver);
    }

    /// <summary>The watched subjects' crossings.</summary>
    public ChannelReader<Crossing> Crossings => _crossings.Reader;

    /// <summary>Every committed score change of the watched subjects (empty unless asked for).</summary>
    public ChannelReader<ScoreChange> ScoreChanges => _changes.Reader;

    /// <summary>
    /// The watched subjects' disputes as each is opened or resolved (its state then; the newest kept when full: the
    /// subject's disputes endpoint has them all).
    /// </summary>
    public ChannelReader<Dispute> Disputes => _disputes.Reader;

    /// <summary>Crossings that arrived while <see cref="Crossings"/> was full.</summary>
    public long MissedCrossings => Interlocked.Read(ref _missed);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_keys.Select(k => _cluster.GetGrain<ISubjectGrain>(k).UnwatchAsync(_reference))).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            _ = exception; // The leases expire on their own.
        }

        _cluster.DeleteObjectReference<ISubjectObserver>(_reference);
        _crossings.Writer.TryComplete();
        _changes.Writer.TryComplete();
        _disputes.Writer.TryComplete();
        _stopping.Dispose();
    }

    internal async Task StartAsync()
    {
        await WatchAllAsync().ConfigureAwait(false);
        _ = RenewAsync();
    }

    internal void Received(IReadOnlyList<ScoreChange> changes)
    {
        if (!_scoreChanges)
        {
            return;
        }

        foreach (var change in changes)
        {
            _changes.Writer.TryWrite(change);
        }
    }

    internal void Received(Crossing crossing)
    {
        if (!_crossings.Writer.TryWrite(crossing))
        {
            Interlocked.Increment(ref _missed);
        }
    }

    internal void Received(Dispute dispute) => _disputes.Writer.TryWrite(dispute);

    private Task WatchAllAsync() => Task.WhenAll(_keys.Select(k => _cluster.GetGrain<ISubjectGrain>(k).WatchAsync(_reference)));

    private async Task RenewAsync()
    {
        using var timer = new PeriodicTimer(ISubjectGrain.WatchLease / 3);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false))
            {
                try
                {
                    await WatchAllAsync().ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is not OutOfMemoryException)
                {
                    _ = exception; // Next tick tries again; the lease outlives a missed renewal.
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed.
        }
    }
}
