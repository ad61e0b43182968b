using System.Diagnostics;
using ScoreGrains.LoadTest.Generation;
using ScoreGrains.LoadTest.Options;
using ScoreGrains.LoadTest.Resources;
using ScoreGrains.LoadTest.Running;
using ScoreGrains.LoadTest.Targets;
using ScoreGrains.Scoring;

namespace ScoreGrains.LoadTest.Cluster;

/// <summary>
/// The cluster scenarios, on a <see cref="LocalCluster"/> of silo processes: <c>cluster-scale</c> runs the same load
/// against 1, 2, ... silos (a fresh database each) and compares what they acknowledge; <c>cluster-kill</c> sends to all
/// silos but the last, kills that one with SIGKILL mid-load, retries what was not acknowledged with the same signalIds,
/// and checks every subject against the journal afterwards.
/// </summary>
public sealed class ClusterRun(LoadTestOptions options, string runId, ModelCatalog models, Func<int, DateTimeOffset, SignalGenerator> generators, RunMetrics metrics, Action<string> log)
{
    public List<PhaseResult> Phases { get; } = [];

    /// <summary>Subjects acknowledged at least once, in the stage that touched the most.</summary>
    public long ActiveSubjects { get; private set; }

    public async Task<ClusterResult> RunAsync(CancellationToken token)
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), $"scoregrains-cluster-{runId}");
        log($"starting a durable embedded PostgreSQL in {dataDirectory}");
        await using var cluster = await LocalCluster.StartAsync(dataDirectory, [.. options.SiloSettings], token);
        return options.Mode == RunMode.ClusterKill
            ? new ClusterResult(null, await KillAsync(cluster, token))
            : new ClusterResult(await ScaleAsync(cluster, token), null);
    }

    private async Task<IReadOnlyList<ClusterScaleRow>> ScaleAsync(LocalCluster cluster, CancellationToken token)
    {
        var rows = new List<ClusterScaleRow>();
        for (var silos = 1; silos <= options.Silos && !token.IsCancellationRequested; silos++)
        {
            log($"{silos} silo(s): starting them on a fresh database");
            await cluster.StartSilosAsync($"scale{silos}", silos, token);
            await using var target = Target(cluster.Silos, retryFor: TimeSpan.Zero, ledger: null);
            var active = new ActiveSubjects(options.Subjects);
            var runner = new LoadRunner(options, target, metrics, null, active, generators);
            await ActivateAsync(runner, $"activate ({silos} silos)", token);
            var cpu = new CpuMeter();
            var phase = await runner.RunPhaseAsync(new PhasePlan($"{silos} silo(s)", options.Rate, options.Ramp, options.StepDuration, null), token);
            var use = cpu.Sample();
            Phases.Add(phase with { Cpu = use });
            ActiveSubjects = Math.Max(ActiveSubjects, active.Count());
            rows.Add(new ClusterScaleRow(silos, phase.AckedPerSecond, rows.Count > 0 ? phase.AckedPerSecond / rows[0].AckedPerSecond : 1, phase.Steady, phase.Counts.Errors, use.Machine));
            log($"{silos} silo(s): {phase.AckedPerSecond:N0} acknowledged/s");
        }

        return rows;
    }

    private async Task<ClusterKillResult> KillAsync(LocalCluster cluster, CancellationToken token)
    {
        log($"starting {options.Silos} silos clustered on PostgreSQL");
        await cluster.StartSilosAsync("kill", options.Silos, token);
        var ledger = new ClusterLedger();
        var survivors = cluster.Silos.Take(options.Silos - 1).ToList();
        await using var target = Target(survivors, options.RetryFor, ledger);
        var active = new ActiveSubjects(options.Subjects);
        var runner = new LoadRunner(options, target, metrics, null, active, generators);
        await ActivateAsync(runner, "activate", token);

        var loadStarted = Stopwatch.GetTimestamp();
        var killedAt = 0L;
        var killer = Task.Run(async () =>
        {
            await Task.Delay(options.KillAt, token);
            cluster.Kill(options.Silos - 1);
            killedAt = Stopwatch.GetTimestamp();
            log($"killed silo {options.Silos} (SIGKILL) {options.KillAt.TotalSeconds:0} s into the load; producers send to the other {survivors.Count}");
        }, token);
        Phases.Add(await runner.RunPhaseAsync(new PhasePlan($"load, silo {options.Silos} killed at {options.KillAt.TotalSeconds:0} s", options.Rate, options.Ramp, options.Duration, options.Count), token));
        await killer;
        ActiveSubjects = active.Count();

        var retries = target.Retries;
        log($"check: {ledger.SubjectKeys.Count:N0} subjects' journals against what was acknowledged, and their scores read back");
        var check = await JournalCheck.RunAsync(cluster.ConnectionString, ledger, target, models, token);
        var lastFailure = retries.LastFailureTimestamp;
        return new ClusterKillResult(
            options.Silos,
            Stopwatch.GetElapsedTime(loadStarted, killedAt).TotalSeconds,
            lastFailure > killedAt ? Stopwatch.GetElapsedTime(killedAt, lastFailure).TotalSeconds : null,
            retries.Gaps(),
            retries.RetriedItems,
            retries.GaveUpItems,
            retries.NoAnswer,
            retries.ServerErrors,
            retries.FirstServerError,
            ledger.AcknowledgedCount,
            check);
    }

    private async Task ActivateAsync(LoadRunner runner, string name, CancellationToken token)
    {
        if (options.Activate)
        {
            Phases.Add(await runner.RunPhaseAsync(
                new PhasePlan(name, 0, TimeSpan.Zero, options.Duration, options.Subjects, new SequentialPicker(options.Subjects), Math.Min(options.ActivateBatch, options.BatchSize), 1),
                token));
        }
    }

    private RoundRobinTarget Target(IEnumerable<Testing.SiloProcess> silos, TimeSpan retryFor, ClusterLedger? ledger) =>
        new([.. silos.Select(s => new HttpTarget(s.HttpAddress, Math.Max(options.MaxInFlight, 16)))], retryFor, ledger);
}

/// <summary>What a cluster scenario measured: one of the two is set.</summary>
public sealed record ClusterResult(IReadOnlyList<ClusterScaleRow>? Scale, ClusterKillResult? Kill);

/// <summary>cluster-scale: one stage (a number of silos) of the same load.</summary>
public sealed record ClusterScaleRow(int Silos, double AckedPerSecond, double RatioToOneSilo, LatencySummary Latency, long Errors, double? MachineCpuPercent);

/// <summary>cluster-kill: when the kill came, how long producers waited for the killed silo's subjects, and the journal check.</summary>
public sealed record ClusterKillResult(
    int Silos,
    double KilledAtSeconds,
    double? LastFailureAfterKillSeconds,
    LatencySummary Gaps,
    long RetriedItems,
    long GaveUpItems,
    long NoAnswer,
    long ServerErrors,
    string? FirstServerError,
    long AcknowledgedSignals,
    JournalCheckResult Check);
