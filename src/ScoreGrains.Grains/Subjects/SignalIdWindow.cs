namespace ScoreGrains.Grains.Subjects;

/// <summary>
/// The most recent signal ids of one subject, for deduplication of producer retries. Bounded so that a
/// subject's memory stays small; a retry of a signal older than the window is not recognised (the journal
/// mode keeps a durable index for that). Serialised with the subject state.
/// </summary>
public sealed class SignalIdWindow
{
    /// <summary>Ids in a ring: <see cref="Next"/> is where the next id goes once the ring is full.</summary>
    public List<string> Ids { get; set; } = [];

    public int Next { get; set; }

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

    public void Add(string signalId, int capacity)
    {
        if (Ids.Count < capacity)
        {
            Ids.Add(signalId);
            return;
        }

        Next %= Ids.Count;
        Ids[Next++] = signalId;
    }
}
