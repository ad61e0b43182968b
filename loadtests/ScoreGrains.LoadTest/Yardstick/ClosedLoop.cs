using System.Diagnostics;

namespace ScoreGrains.LoadTest.Yardstick;

/// <summary>The yardsticks' closed loop: a fixed number of calls in flight, each worker starting its next call as soon as its last one returned.</summary>
public static class ClosedLoop
{
    /// <summary>
    /// Runs <paramref name="inFlight"/> workers that call <paramref name="call"/> with the next index (0, 1, 2, ...)
    /// until <paramref name="indices"/> are used up or <paramref name="duration"/> has passed, whichever comes first.
    /// Returns the successful calls: a failed call does not count, and the loop goes on.
    /// </summary>
    public static async Task<long> RunAsync(Func<long, Task> call, int inFlight, long indices, TimeSpan duration, CancellationToken token)
    {
        long calls = 0;
        var next = -1L;
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, inFlight).Select(_ => Task.Run(async () =>
        {
            for (var n = Interlocked.Increment(ref next);
                 n < indices && Stopwatch.GetElapsedTime(started) < duration && !token.IsCancellationRequested;
                 n = Interlocked.Increment(ref next))
            {
                try
                {
                    await call(n);
                    Interlocked.Increment(ref calls);
                }
                catch (Exception)
                {
                    // Counted out, not thrown: the rate is of successful calls.
                }
            }
        }, CancellationToken.None)));
        return calls;
    }
}
