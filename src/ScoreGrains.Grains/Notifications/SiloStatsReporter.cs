using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ScoreGrains.Contracts;
using ScoreGrains.Scoring;

namespace ScoreGrains.Grains.Notifications;

/// <summary>Every second, sends this silo's rates, totals and band tally to the <see cref="IClusterStatsGrain"/>.</summary>
internal sealed class SiloStatsReporter(
    IGrainFactory grains, ILocalSiloDetails silo, NotificationCounters counters, SubjectBandTally tally, ILogger<SiloStatsReporter> logger)
    : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var kinds = SubjectKinds.All;
        var lastSignals = new long[kinds.Count];
        var lastCrossings = new long[kinds.Count];
        var clock = Stopwatch.StartNew();
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var seconds = Math.Max(clock.Elapsed.TotalSeconds, 0.001);
            clock.Restart();
            var report = new List<KindStats>(kinds.Count);
            foreach (var kind in kinds)
            {
                var i = (int)kind;
                var signals = counters.Signals(kind);
                var crossings = counters.Crossings(kind);
                report.Add(new KindStats(
                    SubjectKinds.ToKey(kind),
                    (signals - lastSignals[i]) / seconds,
                    (crossings - lastCrossings[i]) / seconds,
                    signals,
                    crossings,
                    tally.Snapshot(kind)));
                lastSignals[i] = signals;
                lastCrossings[i] = crossings;
            }

            try
            {
                await grains.GetGrain<IClusterStatsGrain>(0).ReportAsync(silo.SiloAddress.ToString(), report);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.LogDebug(exception, "Could not report this silo's figures; trying again in a second.");
            }
        }
    }
}
