using System.Threading.Channels;
using ScoreGrains.Contracts;

namespace ScoreGrains.Silo.Notifications;

/// <summary>
/// One web connection's live crossings from the <see cref="CrossingTail"/>: every matching crossing after
/// <see cref="Floor"/>, in sequence order, in a bounded queue. When the connection reads too slowly the queue
/// fills, the listener is closed (<see cref="Overflowed"/>) and the connection catches up from the durable feed.
/// </summary>
internal sealed class CrossingListener(CrossingFilter filter, long floor, int capacity)
{
    private readonly Channel<Crossing> _channel = Channel.CreateBounded<Crossing>(new BoundedChannelOptions(capacity)
    {
        SingleWriter = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    /// <summary>The tail's position when this listener joined: it receives every crossing after it.</summary>
    public long Floor { get; } = floor;

    public ChannelReader<Crossing> Reader => _channel.Reader;

    public bool Overflowed { get; private set; }

    /// <summary>Called by the tail, in sequence order, never concurrently.</summary>
    public void Offer(IReadOnlyList<Crossing> crossings)
    {
        if (Overflowed)
        {
            return;
        }

        foreach (var crossing in crossings)
        {
            if (filter.Matches(crossing) && !_channel.Writer.TryWrite(crossing))
            {
                Overflowed = true;
                _channel.Writer.TryComplete();
                return;
            }
        }
    }
}
