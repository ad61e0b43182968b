using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using ScoreGrains.LoadTest.Generation;
using ScoreGrains.LoadTest.Options;
using ScoreGrains.LoadTest.Running;
using ScoreGrains.LoadTest.Spread;
using ScoreGrains.LoadTest.Targets;
using ScoreGrains.Postgres.Journal;
using ScoreGrains.Scoring;
using ScoreGrains.Silo.Hosting;

namespace ScoreGrains.LoadTest.Journal;

/// <summary>One persistence mode's figures in the journal benchmark.</summary>
/// <param name="MaxSustainableRate">The found rate after its hold (the search's result).</param>
/// <param name="ShortStepMax">The highest rate that passed a short step, before the hold.</param>
/// <param name="Saturated">Closed loop with every batch slot in use: the most this mode acknowledges, whatever the latency.</param>
/// <param name="AtFixedRate">Open loop at the rate both modes are run at, for comparable latency.</param>
/// <param name="Commits">Journal mode: group commits during the measured load (after activation), with their appends and rows.</param>
/// <param name="LargestBatch">Journal mode: most grain appends in one commit.</param>
/// <param name="SlowestCommit">Journal mode: the longest a commit took, activation included.</param>
/// <param name="RowsAtSaturation">Journal mode: rows in the journal when the closed loop started.</param>
/// <param name="CommitsAtSaturation">Journal mode: group commits during the closed loop and its drain.</param>
/// <param name="RowsCommittedAtSaturation">Journal mode: the rows those commits wrote.</param>
/// <param name="Storage">Journal mode: the journal's size at the end, from the rows this run wrote.</param>
public sealed record ModeFigures(
    string Persistence,
    double? MaxSustainableRate,
    double? ShortStepMax,
    PhaseResult? Saturated,
    PhaseResult? Activation,
    PhaseResult? AtFixedRate,
    long Commits,
    long Appends,
    long Rows,
    long LargestBatch,
    TimeSpan SlowestCommit,
    long RowsAtSaturation,
    long CommitsAtSaturation,
    long RowsCommittedAtSaturation,
    JournalStorage? Storage)
{
    /// <summary>The second workload beside Zipf: spread traffic over few, then many uniform subjects, on the same silo.</summary>
    public Spread.SpreadPair? Spread { get; init; }

    public double? RowsPerCommit => Commits == 0 ? null : (double)Rows / Commits;

    public double? RowsPerCommitAtSaturation => CommitsAtSaturation == 0 ? null : (double)RowsCommittedAtSaturation / CommitsAtSaturation;
}

/// <summary>The journal benchmark's result: both modes, the raw COPY limit, and the ratios, all from one run.</summary>
public sealed record JournalComparisonResult(
    long Subjects,
    int BatchSize,
    double? FixedRate,
    ModeFigures? PerSignal,
    ModeFigures? Journal,
    ModeFigures? InMemory,
    IReadOnlyList<CopyResult> RawCopy)
{
    /// <summary>Raw COPY into a fresh, empty table: PostgreSQL's best case.</summary>
    public double? RawCopyLimit => RawCopy.Where(c => c.TableRows == 0).Select(c => (double?)c.RowsPerSecond).Max();

    /// <summary>
    /// Raw COPY into the same table once it holds as many rows as the journal did when its closed loop started: each
    /// insert walks bigger indexes over more of the buffer pool, so PostgreSQL takes fewer rows per second as a table grows.
    /// </summary>
    public CopyResult? RawCopyAtJournalSize => RawCopy.Where(c => c.TableRows > 0).MaxBy(c => c.RowsPerSecond);

    /// <summary>Rows raw COPY's stretches wrote into the fresh table, before any fill to the journal's size.</summary>
    public long RawCopyStretchRows => RawCopy.Where(c => c.TableRows == 0).Sum(c => c.Rows);

    /// <summary>
    /// True when raw COPY's own stretches already wrote at least the journal's rows, so no table was filled to the
    /// journal's size: the saturated ratio is then the same-size one.
    /// </summary>
    public bool RawCopyReachedJournalSize => Journal is { RowsAtSaturation: > 0 } journal && RawCopyStretchRows >= journal.RowsAtSaturation;

    public double? JournalToPerSignal => Ratio(Journal?.MaxSustainableRate, PerSignal?.MaxSustainableRate);

    /// <summary>
    /// The same ratio at saturation. Per-signal's ack latency for a batch of 500 is already ~300 ms when idle (one
    /// fsync'd write per subject), so its p99-bounded rate swings with every slow fsync; its throughput does not.
    /// </summary>
    public double? SaturatedJournalToPerSignal => Ratio(Journal?.Saturated?.AckedPerSecond, PerSignal?.Saturated?.AckedPerSecond);

    public double? JournalToRawCopy => Ratio(Journal?.MaxSustainableRate, RawCopyLimit);

    /// <summary>Journal throughput at saturation against the raw COPY limit, which is a throughput at saturation too.</summary>
    public double? SaturatedJournalToRawCopy => Ratio(Journal?.Saturated?.AckedPerSecond, RawCopyLimit);

    /// <summary>The same against raw COPY into a table of the journal's size: the same rows into the same table state.</summary>
    public double? SaturatedJournalToRawCopyAtSize => Ratio(Journal?.Saturated?.AckedPerSecond, RawCopyAtJournalSize?.RowsPerSecond);

    /// <summary>
    /// The most the journal could reach against raw COPY with this silo on these cores, whatever the journal's design:
    /// the silo does at least the in-memory path's work per signal (<see cref="InMemory"/>, no persistence at all) and
    /// PostgreSQL at least raw COPY's work per row (the same rows into the same table), on the same cores, so journal
    /// signals/s are at most 1 / (1/in-memory + 1/raw), and their ratio to raw COPY at most in-memory / (in-memory + raw).
    /// </summary>
    public double? SaturatedBoundToRawCopy =>
        InMemory?.Saturated?.AckedPerSecond is { } memory && RawCopyLimit is { } raw && memory + raw > 0 ? memory / (memory + raw) : null;

    private static double? Ratio(double? of, double? to) => of is { } a && to is { } b && b > 0 ? a / b : null;
}

/// <summary>
/// The journal benchmark (issue 4) in one run: for each persistence mode a fresh in-process silo with its own fresh,
/// durable embedded PostgreSQL and its own subject ids; activate every subject, then find the max sustainable rate
/// (same bound, same workload, same hold, each search from its own start rate so that neither figure moves the other)
/// and an open-loop stretch at one fixed rate for both; then, with no silo running, the same journal rows written
/// straight into a fresh <c>signal_journal</c> by binary COPY.
/// </summary>
public sealed class JournalComparison(
    LoadTestOptions options,
    string runId,
    ModelCatalog models,
    SignalCatalog catalog,
    Func<string, Func<int, DateTimeOffset, SignalGenerator>> generators,
    RunMetrics metrics,
    Action<string> log)
{
    // Spread traffic runs closed loop, as the saturated phase does, whatever rate the search started from.
    private readonly SpreadWorkload _spread = new(options.With(o => o.Rate = 0), catalog, metrics, log);

    private static readonly TimeSpan StepRamp = TimeSpan.FromSeconds(2);
    private readonly long _started = Stopwatch.GetTimestamp();
    private double? _fixedRate = options.FixedRate;

    public List<PhaseResult> Phases { get; } = [];

    private TimeSpan FixedDuration => (options.StepDuration * 2) + StepRamp;

    private TimeSpan SaturatedDuration => options.StepDuration * 2;

    // After a closed loop (the fill, the measured one), before the next phase: the journal's backlog drains. Raw COPY
    // gets the same pause between its fill and its stretch at the journal's size.
    private static TimeSpan BacklogDrain => TimeSpan.FromSeconds(3);

    // Enough to bring the journal to --saturate-at-rows (5M by default) at the ~25,000-45,000 rows/s it takes here.
    private static TimeSpan SaturationFillLimit => TimeSpan.FromSeconds(240);

    // Below every rate the journal's closed loop has filled at here (30,656-36,934 rows/s up to 5M rows): the time the
    // search keeps aside for the fill is the rows still missing at this rate, so it never cuts the fill short.
    private const double FillRateFloor = 20_000;

    // The in-memory silo only activates its subjects (~6,000/s) and runs the closed loop (and the spread workload).
    private TimeSpan InMemoryTime => SaturatedDuration + TimeSpan.FromSeconds(75) + SpreadTime;

    // Two closed loops of the saturated phase's length, the few subjects' activation, four forced full GCs.
    private TimeSpan SpreadTime => options.SpreadSubjects > 0 ? (SaturatedDuration * 2) + TimeSpan.FromSeconds(15) : TimeSpan.Zero;

    private TimeSpan CopyStretch => TimeSpan.FromSeconds(Math.Max(5, options.StepDuration.TotalSeconds));

    // Each batch size on the fresh table; after a journal run, filling the table to its size and one more stretch.
    private TimeSpan CopyTime => (CopyStretch * options.CopyBatches.Count)
        + (options.CompareModes.Contains("journal") ? CopyFillLimit + BacklogDrain + SaturatedDuration : TimeSpan.Zero);

    // Enough to fill ~10M rows at the ~70,000 rows/s COPY keeps up on a growing table here; a bigger journal is
    // matched as far as this allows (the report gives the size reached).
    private static TimeSpan CopyFillLimit => TimeSpan.FromSeconds(150);

    public async Task<JournalComparisonResult> RunAsync(CancellationToken token)
    {
        ModeFigures? perSignal = null;
        ModeFigures? journal = null;
        ModeFigures? inMemory = null;
        List<CopyResult> copies = [];
        var modes = options.CompareModes;
        for (var i = 0; i < modes.Count && !token.IsCancellationRequested; i++)
        {
            // Each searching mode gets its share of what is left, keeping the raw COPY's and the in-memory silo's time
            // (and 15 s per start/stop) aside.
            var silosLeft = modes.Skip(i).Count(m => m is "journal" or "per-signal");
            var reserve = (modes.Skip(i).Contains("copy") ? CopyTime + TimeSpan.FromSeconds(15) : TimeSpan.Zero)
                + (modes.Skip(i + 1).Contains("memory") ? InMemoryTime : TimeSpan.Zero);
            var left = options.Duration - Stopwatch.GetElapsedTime(_started) - reserve;
            var deadline = Stopwatch.GetTimestamp() + (long)(Math.Max(0, left.TotalSeconds / Math.Max(1, silosLeft)) * Stopwatch.Frequency);
            switch (modes[i])
            {
                case "per-signal":
                    perSignal = await RunSiloAsync("per-signal", options.Rate, deadline, token);
                    break;
                case "journal":
                    journal = await RunSiloAsync("journal", options.JournalStartRate ?? options.Rate, deadline, token);
                    break;
                case "memory":
                    inMemory = await RunSiloAsync("memory", options.Rate, Stopwatch.GetTimestamp() + (long)(InMemoryTime.TotalSeconds * Stopwatch.Frequency), token);
                    break;
                default:
                    copies = await RunCopyAsync(journal?.RowsAtSaturation ?? 0, token);
                    break;
            }
        }

        return new JournalComparisonResult(options.Subjects, options.BatchSize, _fixedRate, perSignal, journal, inMemory, copies);
    }

    /// <summary>
    /// The time the journal's fill will need, kept aside from its search: it shrinks as the search's own steps write
    /// rows, so a search that writes most of them (it did in most runs) has that time for its holds instead.
    /// </summary>
    private TimeSpan FillReserve(JournalStatistics? filledJournal) =>
        filledJournal is null
            ? TimeSpan.Zero
            : TimeSpan.FromSeconds(Math.Min(SaturationFillLimit.TotalSeconds, Math.Max(0, options.SaturateAtRows - filledJournal.Rows) / FillRateFloor));

    private async Task<ModeFigures> RunSiloAsync(string persistence, double startRate, long deadline, CancellationToken token)
    {
        var modeRunId = runId + persistence[0];
        var searching = persistence != "memory";
        var modeOptions = options.With(o =>
        {
            o.Persistence = persistence;
            o.Mode = RunMode.FindMax;
            o.Check = false;
            o.Rate = startRate;
            o.LatencyAtHalf = false;
        });
        log($"{persistence}: a fresh in-process silo with its own durable embedded PostgreSQL (subjects {modeRunId}-*)"
            + (searching ? "" : ", which this mode leaves idle"));
        await using var target = new InProcessTarget(modeOptions, modeRunId);
        await target.StartAsync(token);
        var runner = new LoadRunner(modeOptions, target, metrics, null, new ActiveSubjects(options.Subjects), generators(modeRunId));
        TimeSpan Remaining() => TimeSpan.FromSeconds((deadline - Stopwatch.GetTimestamp()) / (double)Stopwatch.Frequency);

        log($"{persistence}: activating {options.Subjects:N0} subjects (one signal each, batches of {options.ActivateBatch}, one in flight per producer)");
        var activation = await runner.RunPhaseAsync(
            new PhasePlan($"{persistence} activate", 0, TimeSpan.Zero, Remaining() / 3, options.Subjects, new SequentialPicker(options.Subjects), options.ActivateBatch, 1),
            token);
        Phases.Add(activation);

        // Activating every subject at once leaves their state to be promoted by one large GC, which paused the silo for
        // ~0.5 s during the journal's second search step in two runs (loadtests/HISTORY.md). A real cluster's subjects
        // activate over time: let that collection happen here, between phases, in every mode alike.
        GC.Collect();

        var statistics = target.Services?.GetService<SignalJournal>()?.Statistics;
        var (commits, appends, rows) = (statistics?.Commits ?? 0, statistics?.Appends ?? 0, statistics?.Rows ?? 0);
        // The journal's writer statistics when its closed loop must run at a stated table size.
        var filledJournal = persistence == "journal" && options.SaturateAtRows > 0 ? statistics : null;
        // The in-memory silo only bounds what any journal could reach (its throughput at saturation): no search, no fixed rate.
        PhaseResult? atFixed = null;
        if (searching && _fixedRate is { } known)
        {
            atFixed = await FixedRateAsync(runner, persistence, known, token);
        }

        FindMaxSearch? search = null;
        if (searching)
        {
            log($"{persistence}: find-max from {startRate:N0}/s (x{options.StepFactor} per {options.StepDuration.TotalSeconds:0} s step, p99 <= {options.MaxP99.TotalMilliseconds:0} ms)");
            search = new FindMaxSearch(modeOptions, runner.RunPhaseAsync);
            var keep = SaturatedDuration + TimeSpan.FromSeconds(5) + (atFixed is null ? FixedDuration + TimeSpan.FromSeconds(5) : TimeSpan.Zero)
                + (persistence == "journal" ? SpreadTime : TimeSpan.Zero);
            await search.RunAsync(() => Remaining() - keep - FillReserve(filledJournal), token);
            Phases.AddRange(search.Steps.Select(s => s with { Name = $"{persistence} {s.Name}" }));
            log($"{persistence}: max sustainable {Rate(search.MaxSustainableRate)} (short steps: {Rate(search.ShortStepMax)})");
        }

        PhaseResult? saturated = null;
        long rowsAtSaturation = 0;
        long commitsAtSaturation = 0, rowsCommittedAtSaturation = 0;
        if (filledJournal is { } written && written.Rows < options.SaturateAtRows && !token.IsCancellationRequested)
        {
            log($"{persistence}: closed loop, not measured, until the journal holds {options.SaturateAtRows:N0} rows (now {written.Rows:N0}; at most {SaturationFillLimit.TotalSeconds:0} s), so the closed loop below runs at a stated table size");
            var fill = await runner.RunPhaseAsync(
                new PhasePlan($"{persistence} fill to {options.SaturateAtRows / 1e6:0.#}M rows", 0, TimeSpan.Zero, SaturationFillLimit, options.SaturateAtRows - written.Rows),
                token);
            Phases.Add(fill);
            await Task.Delay(BacklogDrain, token);
        }

        if (!token.IsCancellationRequested)
        {
            rowsAtSaturation = statistics?.Rows ?? 0;
            var commitsBefore = statistics?.Commits ?? 0;
            log($"{persistence}: closed loop for {SaturatedDuration.TotalSeconds:0} s with all {options.MaxInFlight} batch slots in use (throughput at saturation)");
            saturated = await runner.RunPhaseAsync(new PhasePlan($"{persistence} saturated", 0, TimeSpan.Zero, SaturatedDuration, null), token);
            Phases.Add(saturated);
            await Task.Delay(BacklogDrain, token);
            commitsAtSaturation = (statistics?.Commits ?? 0) - commitsBefore;
            rowsCommittedAtSaturation = (statistics?.Rows ?? 0) - rowsAtSaturation;
        }

        if (searching && atFixed is null && !token.IsCancellationRequested)
        {
            _fixedRate ??= Math.Max(10, Math.Floor((search?.MaxSustainableRate ?? options.Rate) / 2));
            atFixed = await FixedRateAsync(runner, persistence, _fixedRate.Value, token);
        }

        // The second workload, after Zipf's so that Zipf's figures stay comparable with earlier runs: per-signal is left
        // out (its spread figure would cost a minute of the search's time and bounds nothing).
        SpreadPair? spread = null;
        if (persistence != "per-signal" && options.SpreadSubjects > 0 && !token.IsCancellationRequested)
        {
            using var side = new SiloSide(target.HttpAddress, target.DataDirectory, inThisProcess: true);
            spread = await _spread.RunAsync(persistence, persistence, target, side, modeRunId + "s", options.SpreadFew, options.SpreadSubjects, SaturatedDuration, token);
            Phases.AddRange(_spread.Phases);
            _spread.Phases.Clear();
        }

        JournalStorage? storage = null;
        if (persistence == "journal" && target.Services?.GetService<ScoreGrainsDatabase>() is { } database)
        {
            storage = await JournalStorage.MeasureAsync(database.ConnectionString, null, token);
        }

        return new ModeFigures(
            persistence,
            search?.MaxSustainableRate,
            search?.ShortStepMax,
            saturated,
            activation,
            atFixed,
            (statistics?.Commits ?? 0) - commits,
            (statistics?.Appends ?? 0) - appends,
            (statistics?.Rows ?? 0) - rows,
            statistics?.LargestBatch ?? 0,
            statistics?.SlowestCommit ?? TimeSpan.Zero,
            rowsAtSaturation,
            commitsAtSaturation,
            rowsCommittedAtSaturation,
            storage)
        {
            Spread = spread,
        };
    }

    private static string Rate(double? rate) => rate is { } r ? r.ToString("N0", CultureInfo.InvariantCulture) + "/s" : "none";

    private async Task<PhaseResult> FixedRateAsync(LoadRunner runner, string persistence, double rate, CancellationToken token)
    {
        log($"{persistence}: open loop at the fixed rate {rate:N0}/s for {FixedDuration.TotalSeconds:0} s (latency of both modes at the same rate)");
        var phase = await runner.RunPhaseAsync(
            new PhasePlan($"{persistence} fixed {rate.ToString("0", CultureInfo.InvariantCulture)}/s", rate, StepRamp, FixedDuration, null),
            token);
        Phases.Add(phase);
        return phase;
    }

    /// <param name="journalRows">Rows the journal held when its closed loop started (0: no journal run).</param>
    private async Task<List<CopyResult>> RunCopyAsync(long journalRows, CancellationToken token)
    {
        var copyRunId = runId + "c";
        log("raw limit: a fresh durable embedded PostgreSQL with the silo's schema, nothing else running; binary COPY into signal_journal");
        await using var database = await RawCopy.StartDatabaseAsync(Path.Combine(Path.GetTempPath(), $"scoregrains-loadtest-{copyRunId}"), token);
        var space = new SubjectSpace(options.Subjects, options.KindMix, copyRunId);
        var rows = new JournalRows(space, models);
        var generator = generators(copyRunId);
        var clock = DateTimeOffset.UtcNow;
        var results = new List<CopyResult>();
        for (var k = 0; k < options.CopyBatches.Count && !token.IsCancellationRequested; k++)
        {
            var batch = options.CopyBatches[k];
            var name = $"raw COPY {options.CopyConnections}x{batch}";
            var offset = k * options.CopyConnections;
            results.Add(await RawCopy.RunAsync(name, database.ConnectionString, options.CopyConnections, batch, CopyStretch, long.MaxValue,
                c => generator(offset + c, clock), rows, log, token));
        }

        // The journal's closed loop ran against a table of journalRows rows; the same COPY into a table of that size,
        // measured as that loop was: the same pause after its fill and as long (a 10 s stretch right after the fill
        // gave 57,802 and 78,334 rows/s in two runs, the first seconds the slowest).
        var written = results.Sum(r => r.Rows);
        if (journalRows > written && !token.IsCancellationRequested)
        {
            var largest = options.CopyBatches.Max();
            var fillOffset = options.CopyBatches.Count * options.CopyConnections;
            log($"raw limit at the journal's size: filling signal_journal from {written:N0} to {journalRows:N0} rows (the journal's rows when its closed loop started)");
            var fill = await RawCopy.RunAsync("raw COPY fill", database.ConnectionString, options.CopyConnections, largest, CopyFillLimit, journalRows - written,
                c => generator(fillOffset + c, clock), rows, log, token);
            written += fill.Rows;
            var atSizeOffset = fillOffset + options.CopyConnections;
            await Task.Delay(BacklogDrain, token);
            var atSize = await RawCopy.RunAsync($"raw COPY {options.CopyConnections}x{largest} at {written / 1e6:0.0}M rows", database.ConnectionString,
                options.CopyConnections, largest, SaturatedDuration, long.MaxValue, c => generator(atSizeOffset + c, clock), rows, log, token);
            results.Add(atSize with { TableRows = written });
        }

        return results;
    }
}
