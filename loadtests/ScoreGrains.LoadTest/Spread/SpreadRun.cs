using Microsoft.Extensions.Logging.Abstractions;
using ScoreGrains.LoadTest.Generation;
using ScoreGrains.LoadTest.Options;
using ScoreGrains.LoadTest.Running;
using ScoreGrains.LoadTest.Targets;
using ScoreGrains.Postgres;
using ScoreGrains.Testing;

namespace ScoreGrains.LoadTest.Spread;

/// <summary>
/// The <c>spread</c> scenario (issue 26): the spread workload over HTTP against a silo in its own process (started
/// here on a durable embedded PostgreSQL of its own, as the README starts one, or the silo at <c>--url</c>), then
/// against the silo in this process, each a fresh silo and database.
/// </summary>
public sealed class SpreadRun(LoadTestOptions options, string runId, SignalCatalog catalog, RunMetrics metrics, Action<string> log)
{
    private readonly SpreadWorkload _workload = new(options, catalog, metrics, log);

    public IReadOnlyList<PhaseResult> Phases => _workload.Phases;

    /// <summary>Subjects acknowledged over all stages (each stage has ids of its own).</summary>
    public long ActiveSubjects { get; private set; }

    public async Task<SpreadResult> RunAsync(CancellationToken token)
    {
        var pairs = new List<SpreadPair>();
        foreach (var target in options.SpreadTargets)
        {
            if (token.IsCancellationRequested)
            {
                break;
            }

            var pair = target == "http" ? await OverHttpAsync(token) : await InProcessAsync(token);
            ActiveSubjects += pair.Few.NewSubjects + pair.Many.NewSubjects;
            pairs.Add(pair);
        }

        return new SpreadResult(pairs);
    }

    private async Task<SpreadPair> OverHttpAsync(CancellationToken token)
    {
        var prefix = runId + "h";
        if (options.Urls.Count > 0)
        {
            // A silo someone started: its PostgreSQL is not known, so every postgres process on the machine counts.
            log($"HTTP: the running silo at {options.Urls[0]}");
            await using var running = new HttpTarget(options.Urls[0], Math.Max(options.MaxInFlight, 16));
            await running.StartAsync(token);
            using var side = new SiloSide(options.Urls[0], null, inThisProcess: false);
            return await _workload.RunAsync("HTTP", "as started", running, side, prefix, options.SpreadFew, options.Subjects, options.StepDuration, token);
        }

        var dataDirectory = Path.Combine(Path.GetTempPath(), $"scoregrains-spread-{prefix}");
        log($"HTTP: a durable embedded PostgreSQL in {dataDirectory} and a silo process ({options.Persistence} persistence) on it");
        await using var server = await EmbeddedPostgres.StartAsync(
            new EmbeddedPostgresOptions { DataDirectory = dataDirectory, DeleteOnDispose = true, Durable = true }, NullLogger.Instance, token);
        string[] settings = [$"--ScoreGrains:PersistenceMode={options.Persistence}", .. options.SiloSettings.Select(s => "--" + s)];
        // Disposed with SIGKILL at the end: the measurement is over, and a graceful stop would write a deactivation
        // snapshot for every subject the load touched before the database could go.
        await using var silo = await SiloProcess.StartAsync(server.ConnectionString, $"spread-{prefix}", settings);
        await using var target = new HttpTarget(silo.HttpAddress, Math.Max(options.MaxInFlight, 16));
        await target.StartAsync(token);
        using var siloSide = new SiloSide(silo.HttpAddress, dataDirectory, inThisProcess: false);
        return await _workload.RunAsync("HTTP", options.Persistence, target, siloSide, prefix, options.SpreadFew, options.Subjects, options.StepDuration, token);
    }

    private async Task<SpreadPair> InProcessAsync(CancellationToken token)
    {
        var prefix = runId + "i";
        log($"in process: a fresh silo in this process ({options.Persistence} persistence) with its own durable embedded PostgreSQL");
        await using var target = new InProcessTarget(options, prefix);
        await target.StartAsync(token);
        using var siloSide = new SiloSide(target.HttpAddress, target.DataDirectory, inThisProcess: true);
        var yardstick = target.Grains is { } grains ? new SpreadYardstick(grains, log) : null;
        return await _workload.RunAsync(
            "in process", options.Persistence, target, siloSide, prefix, options.SpreadFew, options.Subjects, options.StepDuration, token, yardstick);
    }
}
