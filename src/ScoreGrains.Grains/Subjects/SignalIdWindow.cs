namespace ScoreGrains.Grains.Subjects;

/// <summary>
/// The most recent signal ids of one subject, to answer "seen before?" without a database round trip.
/// Bounded, so a subject's memory stays small. Once an id has left the ring, <see cref="Seen"/> holds every id the
/// subject applied as Bloom filters: an id in neither is certainly new; only a "maybe" from the filter needs the
/// journal's durable index. Serialised with the subject's snapshot.
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

    /// <summary>
    /// Every id applied, from the moment the ring first overflowed (it then held them all). Null while nothing has
    /// left the ring, and in snapshots written before the filter existed.
    /// </summary>
    public SignalIdFilter? Seen { get; set; }

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

    /// <summary>
    /// True when <paramref name="signalId"/>, not in the ring, may have been applied before: only the journal can
    /// tell. With the filter, a rare false positive. A snapshot from before the filter only has the horizon: a
    /// signal that occurred no later than it, or any signal while <paramref name="anyTime"/> (a retry that came back
    /// with another occurredAt).
    /// </summary>
    public bool MayHaveForgotten(string signalId, DateTimeOffset occurredAt, bool anyTime = false)
    {
        if (HorizonTicks == 0)
        {
            return false;
        }

        return Seen is { } seen ? seen.MayContain(signalId) : anyTime || occurredAt.UtcTicks <= HorizonTicks;
    }

    public void Add(string signalId, DateTimeOffset occurredAt, int capacity)
    {
        var added = new RecentSignal(signalId, occurredAt.UtcTicks);
        if (Recent.Count < capacity)
        {
            Recent.Add(added);
            _index?.Add(signalId);
            Seen?.Add(signalId);
            return;
        }

        if (HorizonTicks == 0 && Seen is null)
        {
            // The first id is about to leave the ring, which holds every id so far: from now on, remember them all.
            Seen = new SignalIdFilter();
            foreach (var recent in Recent)
            {
                Seen.Add(recent.SignalId);
            }
        }

        Seen?.Add(signalId);

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
