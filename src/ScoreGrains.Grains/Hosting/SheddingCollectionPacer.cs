using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Statistics;

namespace ScoreGrains.Grains.Hosting;

/// <summary>
/// Keeps Orleans' memory-based shedding in step with a fast-growing heap. Orleans' activation collector sheds a round
/// only if a gen2 collection ran since its last round (so it measures memory after the last round's activations were
/// freed). A server-GC heap that grows by tens of MB/s under spread traffic gets a gen2 only every minute or two, so the
/// heap ran gigabytes past the limit before a round, and that round then deactivated millions at once: a 10M-subject
/// run reached 20.3 GB with a 65% limit, and ingest stalled for a minute (loadtests/README.md, run fg7b4d).
/// <para>
/// At each of Orleans' memory polls, this starts a background gen2 collection when memory is above the shedding limit
/// (the same figure Orleans reads) and no gen2 ran since its last poll. So while memory is over the limit, a gen2 runs
/// at most every other poll (10 s by default): Orleans sheds after one, the next frees what it shed. Below the limit it
/// does nothing. The cost is the background collection itself, paid only while memory is over the limit.
/// </para>
/// </summary>
internal sealed partial class SheddingCollectionPacer(
    IEnvironmentStatisticsProvider environment, IOptions<GrainCollectionOptions> options, ILogger<SheddingCollectionPacer> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var collection = options.Value;
        if (!collection.EnableActivationSheddingOnMemoryPressure)
        {
            return;
        }

        var gen2AtLastPoll = GC.CollectionCount(2);
        using var timer = new PeriodicTimer(collection.MemoryUsagePollingPeriod);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var gen2 = GC.CollectionCount(2);
            var usage = environment.GetEnvironmentStatistics().NormalizedMemoryUsage;
            if (NeedsGen2(usage, collection.MemoryUsageLimitPercentage, gen2, gen2AtLastPoll))
            {
                LogStartingGen2(usage * 100, collection.MemoryUsageLimitPercentage);
                GC.Collect(2, GCCollectionMode.Forced, blocking: false);
            }

            gen2AtLastPoll = gen2;
        }
    }

    /// <summary>
    /// Whether to start a gen2 collection: memory use (<paramref name="usage"/>, a fraction, as Orleans computes it) is
    /// above <paramref name="limitPercent"/> and no gen2 ran between the last poll and this one.
    /// </summary>
    internal static bool NeedsGen2(float usage, double limitPercent, int gen2Count, int gen2CountAtLastPoll) =>
        gen2Count == gen2CountAtLastPoll && usage * 100 > limitPercent;

    [LoggerMessage(Level = LogLevel.Debug,
        Message = "Memory use {UsagePercent:F1}% is above the shedding limit {LimitPercent}% and no gen2 collection ran since the last poll; starting one so shedding can go on.")]
    private partial void LogStartingGen2(float usagePercent, double limitPercent);
}
