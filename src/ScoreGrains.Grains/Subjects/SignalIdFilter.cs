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

    /// <summary>How probes are derived: see <see cref="Probing"/>. Filters in snapshots that lack it are version 0.</summary>
    public const int CurrentVersion = 1;

    /// <summary>The filters' bits, oldest first; ids go into the last one.</summary>
    public List<byte[]> Stages { get; set; } = [];

    /// <summary>Ids added to the last filter.</summary>
    public int NewestCount { get; set; }

    /// <summary>
    /// 0: probes from XxHash3 of the id (snapshots written before the id ring kept hashes); 1: from the ring's
    /// 128-bit hash of the id, so a new filter can be filled from the ring, which no longer keeps the ids.
    /// </summary>
    public int Version { get; set; }

    /// <summary>A filter of the current version (a deserialised one keeps whatever version it was written with).</summary>
    public static SignalIdFilter Create() => new() { Version = CurrentVersion };

    public bool MayContain(string signalId, UInt128 idHash)
    {
        var (first, step) = Probing(signalId, idHash);
        foreach (var stage in Stages)
        {
            if (AllSet(stage, first, step))
            {
                return true;
            }
        }

        return false;
    }

    public void Add(string signalId, UInt128 idHash) => Add(Probing(signalId, idHash));

    /// <summary>Adds an id known only by its hash (filling a new filter from the ring).</summary>
    public void Add(UInt128 idHash)
    {
        if (Version != CurrentVersion)
        {
            throw new InvalidOperationException($"A version {Version} filter needs the id itself, not its hash.");
        }

        Add(Probing(string.Empty, idHash));
    }

    private void Add((uint First, uint Step) probes)
    {
        if (Stages.Count == 0 || NewestCount >= Stages[^1].Length * 8 / BitsPerId)
        {
            var capacity = Stages.Count == 0 ? FirstCapacity : Stages[^1].Length * 8 / BitsPerId * Growth;
            Stages.Add(new byte[capacity * BitsPerId / 8]);
            NewestCount = 0;
        }

        var (first, step) = probes;
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

    // Stored with snapshots, so the hash must be the same in every process (not string.GetHashCode, which is
    // randomised per process). Two 32-bit halves of a 64-bit hash give the probes (double hashing).
    private (uint First, uint Step) Probing(string signalId, UInt128 idHash)
    {
        var hash = Version == 0 ? XxHash3.HashToUInt64(MemoryMarshal.AsBytes(signalId.AsSpan())) : (ulong)idHash;
        return ((uint)hash, (uint)(hash >> 32) | 1);
    }
}
