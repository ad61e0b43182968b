using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text.Json.Serialization;

namespace ScoreGrains.Grains.Subjects;

/// <summary>
/// The most recent signal ids of one subject, to answer "seen before?" without a database round trip.
/// Bounded, so a subject's memory stays small. Once an id has left the ring, <see cref="Seen"/> holds every id the
/// subject applied as Bloom filters: an id in neither is certainly new; only a "maybe" from the filter needs the
/// journal's durable index. Serialised with the subject's snapshot.
/// </summary>
/// <remarks>
/// The ring keeps a 128-bit hash of each id (XxHash128 of its UTF-16 bytes, the same in every process), not the
/// string: 24 bytes per id (and a tag byte, below) in arrays the GC never has to trace, where a string and a
/// hash-set entry per id (~125 bytes, an object each) were most of what the heap grew by under load
/// (loadtests/HISTORY.md). Two ids of one subject share a hash with a probability of about 2^-128 per pair: far below
/// any hardware error rate, so a hit is treated as the same id.
/// Beside each hash, one byte of it (its tag): a look-up scans the 256 tags (4 cache lines, vectorised) and reads a
/// full hash only where a tag matches, instead of scanning 4 KB of hashes; a subject's ring is more often cold in the
/// cache than not under a skewed load over many subjects. Callers hash an id once (<see cref="Hash"/>) and pass the
/// hash to each call for that signal.
/// </remarks>
public sealed class SignalIdWindow
{
    private const int PackedBytes = 24;

    // Plain arrays rather than lists (a list is a 32-byte object each, and a million subjects keep three), empty
    // until the first id and grown as ids come, never beyond the capacity the subject asks for: a subject with one
    // signal keeps one slot, not a full ring. The first _count slots are in use.
    private UInt128[] _ids = [];
    private long[] _ticks = [];
    private byte[] _tags = [];
    private int _count;

    /// <summary>Where the next id goes once the ring is full.</summary>
    public int Next { get; set; }

    /// <summary>Latest <c>occurredAt</c> (UTC ticks) of an id that left the ring; 0 while none has.</summary>
    public long HorizonTicks { get; set; }

    /// <summary>
    /// Every id applied, from the moment the ring first overflowed (it then held them all). Null while nothing has
    /// left the ring, and in snapshots written before the filter existed.
    /// </summary>
    public SignalIdFilter? Seen { get; set; }

    /// <summary>The ring as stored in snapshots: per id its hash (two little-endian halves) and its occurredAt ticks.</summary>
    public byte[] Ring
    {
        get
        {
            var packed = new byte[_count * PackedBytes];
            for (var i = 0; i < _count; i++)
            {
                var slot = packed.AsSpan(i * PackedBytes, PackedBytes);
                BinaryPrimitives.WriteUInt64LittleEndian(slot, (ulong)(_ids[i] >> 64));
                BinaryPrimitives.WriteUInt64LittleEndian(slot[8..], (ulong)_ids[i]);
                BinaryPrimitives.WriteInt64LittleEndian(slot[16..], _ticks[i]);
            }

            return packed;
        }

        set
        {
            ArgumentNullException.ThrowIfNull(value);
            if (value.Length % PackedBytes != 0)
            {
                throw new ArgumentException($"A packed ring is a multiple of {PackedBytes} bytes, not {value.Length}.", nameof(value));
            }

            _count = 0;
            Resize(value.Length / PackedBytes);
            for (var offset = 0; offset < value.Length; offset += PackedBytes)
            {
                var slot = value.AsSpan(offset, PackedBytes);
                Append(new UInt128(BinaryPrimitives.ReadUInt64LittleEndian(slot), BinaryPrimitives.ReadUInt64LittleEndian(slot[8..])), BinaryPrimitives.ReadInt64LittleEndian(slot[16..]));
            }
        }
    }

    /// <summary>
    /// The ring as snapshots written before <see cref="Ring"/> stored it (the ids themselves): read into the ring
    /// when such a snapshot loads, never written again.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<RecentSignal>? Recent
    {
        get => null;
        set
        {
            foreach (var recent in value ?? [])
            {
                Append(Hash(recent.SignalId), recent.OccurredTicks);
            }
        }
    }

    /// <summary>The hash the ring keeps of <paramref name="signalId"/>.</summary>
    public static UInt128 Hash(string signalId) => XxHash128.HashToUInt128(MemoryMarshal.AsBytes(signalId.AsSpan()));

    /// <summary>True when the id with hash <paramref name="id"/> is in the ring.</summary>
    public bool Contains(UInt128 id)
    {
        var tags = _tags.AsSpan(0, _count);
        var ids = _ids.AsSpan(0, _count);
        var tag = Tag(id);
        for (var from = 0; from < tags.Length;)
        {
            var at = tags[from..].IndexOf(tag);
            if (at < 0)
            {
                return false;
            }

            from += at;
            if (ids[from++] == id)
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
    public bool MayHaveForgotten(string signalId, UInt128 id, DateTimeOffset occurredAt, bool anyTime = false)
    {
        if (HorizonTicks == 0)
        {
            return false;
        }

        return Seen is { } seen ? seen.MayContain(signalId, id) : anyTime || occurredAt.UtcTicks <= HorizonTicks;
    }

    /// <summary>Adds <paramref name="signalId"/> (its hash <paramref name="id"/>); the oldest id leaves a full ring.</summary>
    public void Add(string signalId, UInt128 id, DateTimeOffset occurredAt, int capacity)
    {
        if (_count < capacity)
        {
            if (_count == _ids.Length)
            {
                Resize(Math.Min(Math.Max(1, _count * 2), capacity));
            }

            Append(id, occurredAt.UtcTicks);
            Seen?.Add(signalId, id);
            return;
        }

        if (HorizonTicks == 0 && Seen is null)
        {
            // The first id is about to leave the ring, which holds every id so far: from now on, remember them all.
            Seen = SignalIdFilter.Create();
            foreach (var known in _ids.AsSpan(0, _count))
            {
                Seen.Add(known);
            }
        }

        Seen?.Add(signalId, id);

        Next %= _count;
        HorizonTicks = Math.Max(HorizonTicks, _ticks[Next]);
        _ids[Next] = id;
        _tags[Next] = Tag(id);
        _ticks[Next++] = occurredAt.UtcTicks;
    }

    // The top byte: the Bloom filter's probes come from the low half, so the two stay independent.
    private static byte Tag(UInt128 id) => (byte)(id >> 120);

    private void Append(UInt128 id, long ticks)
    {
        if (_count == _ids.Length)
        {
            // Only snapshots from before the ring was packed get here (their ids come one by one): grow as a list would.
            Resize(Math.Max(4, _count * 2));
        }

        _ids[_count] = id;
        _ticks[_count] = ticks;
        _tags[_count++] = Tag(id);
    }

    private void Resize(int length)
    {
        if (length == 0)
        {
            (_ids, _ticks, _tags) = ([], [], []);
            return;
        }

        Array.Resize(ref _ids, length);
        Array.Resize(ref _ticks, length);
        Array.Resize(ref _tags, length);
    }
}
