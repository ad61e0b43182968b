using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using ScoreGrains.LoadTest.Checking;
using ScoreGrains.LoadTest.Cluster;
using ScoreGrains.LoadTest.Generation;
using ScoreGrains.LoadTest.Journal;
using ScoreGrains.LoadTest.Options;
using ScoreGrains.LoadTest.Reporting;
using ScoreGrains.LoadTest.Resources;
using ScoreGrains.LoadTest.Running;
using ScoreGrains.LoadTest.Targets;
using ScoreGrains.LoadTest.Yardstick;
using ScoreGrains.Scoring;

namespace ScoreGrains.LoadTest;

/// <summary>One run: start the target, yardstick, load (open loop or find-max), memory, check, and the report.</summary>
public sealed class RunSession(LoadTestOptions options, IReadOnlyList<string> args, Func<bool> interrupted)
{
    private readonly string _runId = options.RunId ?? NewRunId();
    private readonly DateTimeOffset _startedAt = DateTimeOffset.UtcNow;
    private readonly long _started = Stopwatch.GetTimestamp();

    /// <summary>Histories of mismatched subjects, written next to the report.</summary>
    public IReadOnlyList<string> MismatchDumps { get; private set; } = [];

    public async Task<RunReport> RunAsync(CancellationToken stop)
    {
        // Every run is bounded: the phases stop themselves, and this is the backstop.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stop);
        deadline.CancelAfter(LoadTestOptions.MaxRunTime);
        var token = deadline.Token;

        var models = ModelCatalog.LoadDirectory(options.ModelsDirectory ?? Path.Combine(AppContext.BaseDirectory, "cluster-config", "models"));
        var catalog = SignalCatalog.From(models, options.TypeMix);
        var space = new SubjectSpace(options.Subjects, options.KindMix, _runId);
        var picker = NewPicker();
        SignalGenerator Generator(int producer, DateTimeOffset clockBase) =>
            new(space, picker, catalog, _runId, producer, clockBase, options.LateShare, options.Seed);

        if (options.Target == TargetKind.None)
        {
            Log($"generator only: {options.Producers} producers, batches of {options.BatchSize}, {options.Duration.TotalSeconds:0} s");
            var generator = await GeneratorCeiling.MeasureAsync(options.Producers, options.BatchSize, options.Duration, options.CompareRate,
                p => Generator(p, DateTimeOffset.UtcNow), Log, token);
            return Report("none (generator only)") with { Generator = generator, ExitCode = interrupted() ? LoadTestApp.ExitInterrupted : LoadTestApp.ExitPassed };
        }

        if (options.Mode == RunMode.JournalVsBaseline)
        {
            return await RunJournalComparisonAsync(models, catalog, picker, token);
        }

        if (options.Mode == RunMode.Spread)
        {
            return await RunSpreadAsync(catalog, token);
        }

        if (options.Mode is RunMode.ClusterScale or RunMode.ClusterKill)
        {
            return await RunClusterAsync(models, Generator, token);
        }

        if (options.Mode == RunMode.JournalSize)
        {
            var probe = new JournalSizeProbe(options, _runId, models, picker, Generator, Log);
            var size = await probe.RunAsync(token);
            return Report("no silo: embedded durable PostgreSQL, binary COPY into signal_journal") with
            {
                JournalSize = size,
                ExitCode = interrupted() ? LoadTestApp.ExitInterrupted : size.PlanUsesPrimaryKey ? LoadTestApp.ExitPassed : LoadTestApp.ExitFailed,
                Failures = size.PlanUsesPrimaryKey ? [] : ["the replay query does not use the primary key"],
            };
        }

        await using var target = NewTarget();
        Log($"starting target: {target.Description}");
        await target.StartAsync(token);

        YardstickResult? yardstick = null;
        if (options.Yardstick && target.Grains is { } grains)
        {
            yardstick = await new YardstickRunner(grains, _runId, options.Persistence, options.YardstickDuration, Log).MeasureAsync(token);
        }
        else if (options.Yardstick)
        {
            Log("yardstick skipped: it needs the in-process target (the empty grain lives in this process)");
        }

        var metrics = new RunMetrics();
        var ledger = options.Check ? new AckLedger() : null;
        var active = new ActiveSubjects(options.Subjects);
        var runner = new LoadRunner(options, target, metrics, ledger, active, Generator);
        var measureMemory = options.MeasureMemory && target.Grains is not null;
        var heapBefore = measureMemory ? MemoryProbe.HeapAfterFullGc() : 0;
        var workingSetBefore = MemoryProbe.WorkingSetMb();

        var phases = new List<PhaseResult>();
        FindMaxSearch? search = null;
        var loadStarted = Stopwatch.GetTimestamp();
        var cpu = new CpuMeter();
        await new ProgressDisplay(metrics, options.PlainProgressEvery).RunAsync(async () =>
        {
            if (options.Activate)
            {
                phases.Add(await runner.RunPhaseAsync(
                    new PhasePlan("activate", 0, TimeSpan.Zero, options.Duration, options.Subjects, new SequentialPicker(options.Subjects), Math.Min(options.ActivateBatch, options.BatchSize), 1),
                    token));
                loadStarted = Stopwatch.GetTimestamp();
            }

            if (options.Mode == RunMode.FindMax)
            {
                search = new FindMaxSearch(options, runner.RunPhaseAsync);
                await search.RunAsync(() => options.Duration - Stopwatch.GetElapsedTime(loadStarted), token);
                phases.AddRange(search.Steps);
                if (search.AtHalf is { } half)
                {
                    phases.Add(half);
                }
            }
            else
            {
                phases.Add(await runner.RunPhaseAsync(new PhasePlan("load", options.Rate, options.Ramp, options.Duration, options.Count), token));
            }
        });
        var cpuUse = cpu.Sample();

        MemoryResult? memory = null;
        if (measureMemory && target.Grains is { } g && !token.IsCancellationRequested)
        {
            memory = await MeasureMemoryAsync(g, active.Count(), heapBefore, workingSetBefore, token);
        }

        CheckResult? check = null;
        if (ledger is not null)
        {
            Log($"check: folding what {ledger.Subjects.Count:N0} subjects acknowledged and reading their scores back");
            var checker = new ScoreChecker(models, target);
            check = await checker.CheckAsync(ledger, CancellationToken.None);
            MismatchDumps = checker.Dumps;
        }

        var totals = metrics.Snapshot();
        var failures = Failures(totals, check);
        var exitCode = ExitCodeFor(failures);
        return Report(target.Description) with
        {
            Yardstick = yardstick,
            Phases = phases,
            MaxSustainableRate = search?.MaxSustainableRate,
            AtHalf = search?.AtHalf,
            Totals = totals,
            Latency = LatencySummary.From(metrics.Total),
            ActiveSubjects = active.Count(),
            ProcessCpuPercent = cpuUse.Process,
            PostgresCpuPercent = cpuUse.Postgres,
            MachineCpuPercent = cpuUse.Machine,
            Memory = memory,
            Check = check,
            Intervals = metrics.Samples,
            Problems = ProblemsOf(metrics),
            Failures = failures,
            ExitCode = exitCode,
        };
    }

    private async Task<RunReport> RunJournalComparisonAsync(ModelCatalog models, SignalCatalog catalog, ISubjectPicker picker, CancellationToken token)
    {
        Func<int, DateTimeOffset, SignalGenerator> GeneratorsFor(string runId)
        {
            var space = new SubjectSpace(options.Subjects, options.KindMix, runId);
            return (p, clock) => new SignalGenerator(space, picker, catalog, runId, p, clock, options.LateShare, options.Seed);
        }

        var metrics = new RunMetrics();
        var cpu = new CpuMeter();
        var comparison = new JournalComparison(options, _runId, models, catalog, GeneratorsFor, metrics, Log);
        JournalComparisonResult? result = null;
        await new ProgressDisplay(metrics, options.PlainProgressEvery).RunAsync(async () => result = await comparison.RunAsync(token));
        var cpuUse = cpu.Sample();
        var totals = metrics.Snapshot();
        var failures = new List<string>();
        if (totals.Acked == 0 && options.CompareModes.Any(m => m != "copy"))
        {
            failures.Add("nothing was acknowledged");
        }

        return Report("in-process silos (" + string.Join(", then ", options.CompareModes) + "), each with a fresh durable embedded PostgreSQL") with
        {
            Phases = comparison.Phases,
            JournalComparison = result,
            Totals = totals,
            Latency = LatencySummary.From(metrics.Total),
            ProcessCpuPercent = cpuUse.Process,
            // Each mode's server is started and stopped within the run, so none runs at both ends: PostgreSQL's
            // share is given per phase and per raw COPY stretch instead.
            PostgresCpuPercent = null,
            MachineCpuPercent = cpuUse.Machine,
            Intervals = metrics.Samples,
            Problems = ProblemsOf(metrics),
            Failures = failures,
            ExitCode = ExitCodeFor(failures),
        };
    }

    private async Task<RunReport> RunSpreadAsync(SignalCatalog catalog, CancellationToken stop)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stop);
        deadline.CancelAfter(options.Duration);
        var metrics = new RunMetrics();
        var cpu = new CpuMeter();
        var run = new Spread.SpreadRun(options, _runId, catalog, metrics, Log);
        Spread.SpreadResult? result = null;
        await new ProgressDisplay(metrics, options.PlainProgressEvery).RunAsync(async () => result = await run.RunAsync(deadline.Token));
        var cpuUse = cpu.Sample();
        var totals = metrics.Snapshot();
        var failures = new List<string>();
        if (totals.Acked == 0)
        {
            failures.Add("nothing was acknowledged");
        }

        var errorRate = (double)totals.Errors / Math.Max(totals.Sent, 1);
        if (errorRate > options.MaxErrorRate)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{totals.Errors:N0} errors ({errorRate:P3}) > --max-error-rate {options.MaxErrorRate:P3}"));
        }

        var targets = string.Join(", then ", options.SpreadTargets.Select(t => t == "http"
            ? options.Urls.Count > 0 ? $"HTTP to the silo at {options.Urls[0]}" : "HTTP to a silo process on its own durable embedded PostgreSQL"
            : "a silo in this process on its own durable embedded PostgreSQL"));
        return Report(targets) with
        {
            Phases = run.Phases,
            Spread = result,
            Totals = totals,
            ActiveSubjects = run.ActiveSubjects,
            Latency = LatencySummary.From(metrics.Total),
            ProcessCpuPercent = cpuUse.Process,
            PostgresCpuPercent = null,
            MachineCpuPercent = cpuUse.Machine,
            Intervals = metrics.Samples,
            Problems = ProblemsOf(metrics),
            Failures = failures,
            ExitCode = ExitCodeFor(failures),
        };
    }

    private async Task<RunReport> RunClusterAsync(ModelCatalog models, Func<int, DateTimeOffset, SignalGenerator> generators, CancellationToken token)
    {
        var metrics = new RunMetrics();
        var cpu = new CpuMeter();
        var run = new ClusterRun(options, _runId, models, generators, metrics, Log);
        ClusterResult? result = null;
        await new ProgressDisplay(metrics, options.PlainProgressEvery).RunAsync(async () => result = await run.RunAsync(token));
        var cpuUse = cpu.Sample();
        var totals = metrics.Snapshot();
        var failures = new List<string>();
        if (totals.Acked == 0)
        {
            failures.Add("nothing was acknowledged");
        }

        if (result?.Kill is { } kill)
        {
            if (!kill.Check.Passed)
            {
                failures.Add($"journal check: {kill.Check.Lost:N0} acknowledged signals lost, {kill.Check.Doubled:N0} doubled, {kill.Check.Unknown:N0} unknown, {kill.Check.Mismatches:N0} scores differ");
            }

            if (kill.ServerErrors > 0)
            {
                failures.Add($"{kill.ServerErrors:N0} server errors other than the API's 503 (first: {kill.FirstServerError})");
            }

            if (kill.GaveUpItems > 0)
            {
                failures.Add($"{kill.GaveUpItems:N0} signals were still not acknowledged after --retry-for {options.RetryFor.TotalSeconds:0} s");
            }
        }

        var silos = options.Mode == RunMode.ClusterKill ? $"{options.Silos} silo processes, the last killed" : $"1 to {options.Silos} silo processes";
        return Report($"{silos}, postgres clustering, one durable embedded PostgreSQL, over HTTP") with
        {
            Phases = run.Phases,
            Cluster = result,
            Totals = totals,
            ActiveSubjects = run.ActiveSubjects,
            Latency = LatencySummary.From(metrics.Total),
            ProcessCpuPercent = cpuUse.Process,
            PostgresCpuPercent = cpuUse.Postgres,
            MachineCpuPercent = cpuUse.Machine,
            Intervals = metrics.Samples,
            Problems = ProblemsOf(metrics),
            Failures = failures,
            ExitCode = ExitCodeFor(failures),
        };
    }

    private async Task<MemoryResult> MeasureMemoryAsync(IGrainFactory grains, long activeSubjects, long heapBefore, double workingSetBefore, CancellationToken token)
    {
        Log("memory: full GC after the load");
        var heapAfter = MemoryProbe.HeapAfterFullGc();
        var workingSetAfter = MemoryProbe.WorkingSetMb();
        var empties = Math.Max(1, activeSubjects);
        Log($"memory: activating {empties:N0} empty grains as the yardstick");
        var activationRate = await MemoryProbe.ActivateEmptyGrainsAsync(grains, empties, token);
        var heapAfterEmpty = MemoryProbe.HeapAfterFullGc();
        return new MemoryResult(
            activeSubjects,
            heapBefore,
            heapAfter,
            (double)(heapAfter - heapBefore) / Math.Max(activeSubjects, 1),
            empties,
            heapAfterEmpty,
            (double)(heapAfterEmpty - heapAfter) / empties,
            activationRate,
            workingSetBefore,
            workingSetAfter);
    }

    private List<string> Failures(Counters totals, CheckResult? check)
    {
        var failures = new List<string>();
        if (totals.Acked == 0)
        {
            failures.Add("nothing was acknowledged");
        }

        var errorRate = (double)totals.Errors / Math.Max(totals.Sent, 1);
        if (errorRate > options.MaxErrorRate && options.Mode == RunMode.OpenLoop)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{totals.Errors:N0} errors ({errorRate:P3}) > --max-error-rate {options.MaxErrorRate:P3}"));
        }

        if (check is { Passed: false })
        {
            failures.Add($"check: {check.Mismatches:N0} mismatches, {check.UnexpectedOutcomes:N0} unexpected outcomes");
        }

        if (check is { Checked: 0 })
        {
            failures.Add("check: no subject could be compared");
        }

        return failures;
    }

    private RunReport Report(string target) => new()
    {
        RunId = _runId,
        Scenario = options.Scenario,
        CommandLine = "dotnet run -c Release --project loadtests/ScoreGrains.LoadTest -- " + string.Join(' ', args),
        StartedAt = _startedAt,
        Seconds = Stopwatch.GetElapsedTime(_started).TotalSeconds,
        Target = target,
        Machine = $"{Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}, server GC {System.Runtime.GCSettings.IsServerGC}",
        Settings = Settings(),
        Interrupted = interrupted(),
    };

    private Dictionary<string, string> Settings()
    {
        var o = options;
        var c = CultureInfo.InvariantCulture;
        return new Dictionary<string, string>
        {
            ["mode"] = o.Mode.ToString(),
            ["persistence"] = o.Persistence,
            ["subjects"] = o.Subjects.ToString(c),
            ["mix"] = string.Join(",", o.KindMix.Select(m => m.ToString(c))),
            ["skew"] = o.Skew switch
            {
                SkewKind.Zipf => $"zipf:{o.ZipfExponent.ToString(c)}",
                SkewKind.HotSet => $"hotset:{o.HotFraction.ToString(c)}:{o.HotShare.ToString(c)}",
                _ => o.Skew.ToString().ToLowerInvariant(),
            },
            ["typeMix"] = o.TypeMix,
            ["batch"] = o.BatchSize.ToString(c),
            ["producers"] = o.Producers.ToString(c),
            ["maxInFlight"] = o.MaxInFlight.ToString(c),
            ["rate"] = o.Rate.ToString(c),
            ["ramp"] = o.Ramp.ToString(),
            ["duration"] = o.Duration.ToString(),
            ["count"] = o.Count?.ToString(c) ?? "",
            ["maxP99"] = o.MaxP99.ToString(),
            ["maxErrorRate"] = o.MaxErrorRate.ToString(c),
        };
    }

    private ISubjectPicker NewPicker() => options.Skew switch
    {
        SkewKind.Uniform => new UniformPicker(options.Subjects),
        SkewKind.HotSet => new HotSetPicker(options.Subjects, options.HotFraction, options.HotShare),
        SkewKind.Sequential => new SequentialPicker(options.Subjects),
        _ => new ZipfPicker(options.Subjects, options.ZipfExponent),
    };

    private ILoadTarget NewTarget() => options.Target switch
    {
        TargetKind.Http => new RoundRobinTarget(
            [.. (options.Urls.Count > 0 ? options.Urls : [new Uri("http://127.0.0.1:5080")]).Select(url => new HttpTarget(url, Math.Max(options.MaxInFlight, 16)))],
            options.RetryFor),
        TargetKind.Client => new ClientTarget(options.Gateways.Count > 0 ? [.. options.Gateways] : ["127.0.0.1:30000"], options.ServiceId, options.ClusterId),
        _ => new InProcessTarget(options, _runId),
    };

    private void Log(string message) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{Stopwatch.GetElapsedTime(_started).TotalSeconds,6:0.0}s] {message}"));

    private static string NewRunId()
    {
        const string alphabet = "abcdefghijkmnpqrstuvwxyz23456789";
        return string.Concat(Enumerable.Range(0, 6).Select(_ => alphabet[Random.Shared.Next(alphabet.Length)]));
    }

    /// <summary>Interrupted runs say so; otherwise any failure fails the run.</summary>
    private int ExitCodeFor(List<string> failures) =>
        interrupted() ? LoadTestApp.ExitInterrupted : failures.Count > 0 ? LoadTestApp.ExitFailed : LoadTestApp.ExitPassed;

    private static List<string> ProblemsOf(RunMetrics metrics) => [.. metrics.Problems.Select(p => $"{p.Value:N0} x {p.Key}")];
}
