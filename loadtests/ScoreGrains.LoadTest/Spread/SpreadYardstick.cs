using System.Diagnostics;
using System.Globalization;
using ScoreGrains.LoadTest.Yardstick;

namespace ScoreGrains.LoadTest.Spread;

/// <summary>
/// The spread scenario's yardstick (in process only, where the grains are at hand): one empty grain call per subject
/// signal, each to a uniformly random grain out of as many as the stage has subjects, with the yardstick's 512 calls in
/// flight. So over many grains it pays Orleans' activation of each new one and nothing of ours: the target is
/// spread in memory mode at 0.8x of it or more.
/// </summary>
public sealed class SpreadYardstick(IGrainFactory grains, Action<string> log)
{
    private const int InFlight = 512;

    // Integer keys of their own, apart from the run's other empty grains (YardstickRunner's 0..9,999).
    private long _nextBase = 1L << 40;

    /// <summary>Empty calls per second over <paramref name="grainCount"/> fresh grains for <paramref name="stretch"/>, all of them called once first when <paramref name="activateFirst"/>.</summary>
    public async Task<double> CallsPerSecondAsync(string label, long grainCount, bool activateFirst, TimeSpan stretch, CancellationToken token)
    {
        var keyBase = _nextBase;
        _nextBase += 1L << 40;
        if (activateFirst)
        {
            await ClosedLoop.RunAsync(n => grains.GetGrain<IEmptyGrain>(keyBase + n).PingAsync(), InFlight, grainCount, TimeSpan.MaxValue, token);
        }

        var started = Stopwatch.GetTimestamp();
        var calls = await ClosedLoop.RunAsync(
            _ => grains.GetGrain<IEmptyGrain>(keyBase + Random.Shared.NextInt64(grainCount)).PingAsync(), InFlight, long.MaxValue, stretch, token);
        var rate = calls / Stopwatch.GetElapsedTime(started).TotalSeconds;
        log(string.Create(CultureInfo.InvariantCulture, $"{label}: {rate:N0} empty grain calls/s over {grainCount:N0} grains, uniformly random, {InFlight} in flight"));
        return rate;
    }
}
