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
    /// <summary>Ids in a ring: <see cref="Next"/> is where the next id goes once the ring is full.</summary>
    public List<string> Ids { get; set; } = [];

    /// <summary><c>occurredAt</c> (UTC ticks) of each id in <see cref="Ids"/>.</summary>
    public List<long> OccurredTicks { get; set; } = [];

    public int Next { get; set; }

    /// <summary>Latest <c>occurredAt</c> of an id that left the ring; 0 while none has.</summary>
    public long HorizonTicks { get; set; }

    public bool Contains(string signalId)
    {
        foreach (var id in Ids)
        {
            if (string.Equals(id, signalId, StringComparison.Ordinal))
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
        if (Ids.Count < capacity)
        {
            Ids.Add(signalId);
            OccurredTicks.Add(occurredAt.UtcTicks);
            return;
        }

        Next %= Ids.Count;
        HorizonTicks = Math.Max(HorizonTicks, OccurredTicks[Next]);
        Ids[Next] = signalId;
        OccurredTicks[Next] = occurredAt.UtcTicks;
        Next++;
    }
}
