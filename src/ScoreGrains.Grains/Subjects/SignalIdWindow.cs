namespace ScoreGrains.Grains.Subjects;

/// <summary>
/// The most recent signal ids of one subject, to answer "seen before?" without a database round trip.
/// Bounded, so a subject's memory stays small. When an id leaves the ring, <see cref="HorizonTicks"/>
/// remembers the latest <c>occurredAt</c> among ids no longer held: a signal that occurred after the horizon
/// and is not in the ring is certainly new; only one at or before it (a very late or very old retry) needs
/// the journal's durable index. Serialised with the subject's snapshot.
/// </summary>
public sealed class SignalIdWindow
{
    // A linear scan beats hashing for a few ids and costs no memory; busy subjects get a set beside the ring.
    private const int ScanLimit = 16;

    private HashSet<string>? _index;

    /// <summary>The ring: <see cref="Next"/> is where the next id goes once it is full.</summary>
    public List<RecentSignal> Recent { get; set; } = new(1);

    public int Next { get; set; }

    /// <summary>Latest <c>occurredAt</c> (UTC ticks) of an id that left the ring; 0 while none has.</summary>
    public long HorizonTicks { get; set; }

    public bool Contains(string signalId)
    {
        if (Recent.Count > ScanLimit)
        {
            _index ??= BuildIndex();
            return _index.Contains(signalId);
        }

        foreach (var recent in Recent)
        {
            if (string.Equals(recent.SignalId, signalId, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when a signal not in the ring that occurred at <paramref name="occurredAt"/> may still have been seen.</summary>
    public bool MayHaveForgotten(DateTimeOffset occurredAt) => HorizonTicks != 0 && occurredAt.UtcTicks <= HorizonTicks;

    public void Add(string signalId, DateTimeOffset occurredAt, int capacity)
    {
        var added = new RecentSignal(signalId, occurredAt.UtcTicks);
        if (Recent.Count < capacity)
        {
            Recent.Add(added);
            _index?.Add(signalId);
            return;
        }

        Next %= Recent.Count;
        var evicted = Recent[Next];
        HorizonTicks = Math.Max(HorizonTicks, evicted.OccurredTicks);
        Recent[Next++] = added;
        if (_index is not null)
        {
            _index.Remove(evicted.SignalId);
            _index.Add(signalId);
        }
    }

    private HashSet<string> BuildIndex() => new(Recent.Select(r => r.SignalId), StringComparer.Ordinal);
}
