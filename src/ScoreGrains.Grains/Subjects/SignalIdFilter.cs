using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace ScoreGrains.Grains.Subjects;

/// <summary>
/// Every signal id a busy subject has applied, as Bloom filters: "never seen" is certain, "maybe seen" is wrong
/// well under 1% of the time. A subject whose recent-id ring has overflowed asks the journal only on "maybe",
/// instead of for every late record. Grows without the old ids: when the newest filter is full, a four times larger
/// one takes the next ids (a scalable Bloom filter; few stages, so their false positives add up to little).
/// 12 bits per id in a full stage (~0.3% false positives each); serialised with the subject's snapshot.
/// </summary>
public sealed class SignalIdFilter
{
    private const int BitsPerId = 12;
    private const int Probes = 8;
    private const int Growth = 4;
    private const int FirstCapacity = 1024;

    /// <summary>The filters' bits, oldest first; ids go into the last one.</summary>
    public List<byte[]> Stages { get; set; } = [];

    /// <summary>Ids added to the last filter.</summary>
    public int NewestCount { get; set; }

    public bool MayContain(string signalId)
    {
        var (first, step) = Hash(signalId);
        foreach (var stage in Stages)
        {
            if (AllSet(stage, first, step))
            {
                return true;
            }
        }

        return false;
    }

    public void Add(string signalId)
    {
        if (Stages.Count == 0 || NewestCount >= Stages[^1].Length * 8 / BitsPerId)
        {
            var capacity = Stages.Count == 0 ? FirstCapacity : Stages[^1].Length * 8 / BitsPerId * Growth;
            Stages.Add(new byte[capacity * BitsPerId / 8]);
            NewestCount = 0;
        }

        var (first, step) = Hash(signalId);
        var bits = Stages[^1];
        var size = (uint)bits.Length * 8;
        for (uint i = 0; i < Probes; i++)
        {
            var bit = (first + (i * step)) % size;
            bits[bit >> 3] |= (byte)(1 << (int)(bit & 7));
        }

        NewestCount++;
    }

    private static bool AllSet(byte[] bits, uint first, uint step)
    {
        var size = (uint)bits.Length * 8;
        for (uint i = 0; i < Probes; i++)
        {
            var bit = (first + (i * step)) % size;
            if ((bits[bit >> 3] & (1 << (int)(bit & 7))) == 0)
            {
                return false;
            }
        }

        return true;
    }

    // Stored with snapshots, so the hash must be the same in every process: XxHash3 of the id's UTF-16 bytes
    // (not string.GetHashCode, which is randomised per process). Two halves give the probes (double hashing).
    private static (uint First, uint Step) Hash(string signalId)
    {
        var hash = XxHash3.HashToUInt64(MemoryMarshal.AsBytes(signalId.AsSpan()));
        return ((uint)hash, (uint)(hash >> 32) | 1);
    }
}
