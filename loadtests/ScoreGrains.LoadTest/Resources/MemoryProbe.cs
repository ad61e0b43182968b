using System.Diagnostics;
using System.Runtime;
using ScoreGrains.LoadTest.Yardstick;

namespace ScoreGrains.LoadTest.Resources;

/// <summary>Heap figures after a forced, compacting full GC, and the empty-activation yardstick.</summary>
public static class MemoryProbe
{
    public static long HeapAfterFullGc()
    {
        for (var i = 0; i < 3; i++)
        {
            GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        return GC.GetTotalMemory(forceFullCollection: true);
    }

    public static double WorkingSetMb() => Environment.WorkingSet / 1048576.0;

    /// <summary>Activates <paramref name="count"/> empty grains (keys offset past the yardstick's); returns activations per second.</summary>
    public static async Task<double> ActivateEmptyGrainsAsync(IGrainFactory grains, long count, CancellationToken cancellationToken)
    {
        const long firstKey = 1_000_000_000;
        var next = -1L;
        var started = Stopwatch.GetTimestamp();
        var workers = Enumerable.Range(0, 64).Select(_ => Task.Run(async () =>
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var n = Interlocked.Increment(ref next);
                if (n >= count)
                {
                    break;
                }

                await grains.GetGrain<IEmptyGrain>(firstKey + n).PingAsync();
            }
        }, CancellationToken.None));
        await Task.WhenAll(workers);
        return count / Stopwatch.GetElapsedTime(started).TotalSeconds;
    }
}
