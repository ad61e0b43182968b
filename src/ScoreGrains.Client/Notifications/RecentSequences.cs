namespace ScoreGrains.Client.Notifications;

/// <summary>The last few thousand crossing sequences delivered: what a resume must not deliver twice.</summary>
internal sealed class RecentSequences(int capacity)
{
    private readonly HashSet<long> _set = [];
    private readonly Queue<long> _order = new();

    /// <summary>Remembers <paramref name="sequence"/>; false when it was already there.</summary>
    public bool Add(long sequence)
    {
        if (!_set.Add(sequence))
        {
            return false;
        }

        _order.Enqueue(sequence);
        if (_order.Count > capacity)
        {
            _set.Remove(_order.Dequeue());
        }

        return true;
    }
}
