using System.Numerics;

namespace ScoreGrains.LoadTest.Generation;

/// <summary>One bit per subject (1.25 MB for 10M), set when a signal to it is acknowledged: counts distinct active subjects.</summary>
public sealed class ActiveSubjects(long count)
{
    private readonly long[] _words = new long[(count + 63) / 64];

    public void Mark(long index) => Interlocked.Or(ref _words[index >> 6], 1L << (int)(index & 63));

    public long Count()
    {
        long total = 0;
        foreach (var word in _words)
        {
            total += BitOperations.PopCount((ulong)word);
        }

        return total;
    }
}
