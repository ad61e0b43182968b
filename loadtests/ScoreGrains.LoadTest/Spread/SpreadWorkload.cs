using System.Globalization;
using ScoreGrains.LoadTest.Generation;
using ScoreGrains.LoadTest.Options;
using ScoreGrains.LoadTest.Running;
using ScoreGrains.LoadTest.Targets;

namespace ScoreGrains.LoadTest.Spread;

/// <summary>
/// Spread traffic (issue 26) on one running silo: batches whose signals go to uniformly random subjects, so nearly
/// every signal of a batch of 500 is for a different subject. First over few subjects, activated beforehand (the
/// concentrated case, all active), then over many with fresh ids (most of them activated by the load itself), each
/// for the same stretch with the same in-flight limit, so their ratio is what spreading costs.
/// </summary>
public sealed class SpreadWorkload(LoadTestOptions options, SignalCatalog catalog, RunMetrics metrics, Action<string> log)
{
    public List<PhaseResult> Phases { get; } = [];

    /// <summary>Uniform generators over <paramref name="subjects"/> subjects whose ids start with <paramref name="prefix"/>.</summary>
    public Func<int, DateTimeOffset, SignalGenerator> Generators(string prefix, long subjects)
    {
        var space = new SubjectSpace(subjects, options.KindMix, prefix);
        var picker = new UniformPicker(subjects);
        return (producer, clock) => new SignalGenerator(space, picker, catalog, prefix, producer, clock, options.LateShare, options.Seed);
    }

    /// <summary>
    /// Both stages on <paramref name="target"/>: <paramref name="few"/> subjects, then <paramref name="many"/>, each for
    /// <paramref name="stretch"/> (the few, <c>--spread-few-duration</c> when given). With a <paramref name="yardstick"/>, its empty calls over as many grains come first,
    /// so the spread stages run on the heap those grains hold: the ratio to them errs against the spread.
    /// </summary>
    public async Task<SpreadPair> RunAsync(
        string name, string persistence, ILoadTarget target, SiloSide silo, string prefix, long few, long many, TimeSpan stretch, CancellationToken token,
        SpreadYardstick? yardstick = null)
    {
        ArgumentNullException.ThrowIfNull(silo);
        var fewStretch = options.SpreadFewDuration ?? stretch;
        double? emptyFew = null, emptyMany = null;
        if (yardstick is not null)
        {
            emptyFew = await yardstick.CallsPerSecondAsync($"{name} yardstick {Count(few)}", few, activateFirst: true, fewStretch, token);
            emptyMany = await yardstick.CallsPerSecondAsync($"{name} yardstick {Count(many)}", many, activateFirst: false, stretch, token);
        }

        var fewStage = await StageAsync(name, target, silo, prefix + "f", few, activateFirst: true, fewStretch, token);
        var manyStage = await StageAsync(name, target, silo, prefix + "m", many, activateFirst: false, stretch, token);
        var pair = new SpreadPair(name, persistence, fewStage, manyStage) { EmptyCallsFew = emptyFew, EmptyCallsMany = emptyMany };
        log(string.Create(CultureInfo.InvariantCulture,
            $"{name}: {many:N0} subjects {manyStage.Phase.AckedPerSecond:N0}/s = {pair.Ratio:P0} of {few:N0} subjects {fewStage.Phase.AckedPerSecond:N0}/s")
            + (pair.ManyPerEmptyCall is { } perCall ? string.Create(CultureInfo.InvariantCulture, $"; {perCall:0.00}x an empty grain call over as many grains") : ""));
        return pair;
    }

    private async Task<SpreadStage> StageAsync(
        string name, ILoadTarget target, SiloSide silo, string prefix, long subjects, bool activateFirst, TimeSpan stretch, CancellationToken token)
    {
        var active = new ActiveSubjects(subjects);
        var runner = new LoadRunner(options, target, metrics, null, active, Generators(prefix, subjects));
        var label = string.Create(CultureInfo.InvariantCulture, $"{name} spread {Count(subjects)}");
        // Heap and subjects in memory are counted from before the activation, so the few subjects' stage has its heap too.
        var initial = await silo.ReadAsync(token);
        if (activateFirst)
        {
            log($"{label}: activating every subject first (one signal each, batches of {options.BatchSize})");
            Phases.Add(await runner.RunPhaseAsync(
                new PhasePlan($"{label} activate", 0, TimeSpan.Zero, stretch, subjects, new SequentialPicker(subjects), options.BatchSize, 1), token));
        }

        var before = activateFirst ? await silo.ReadAsync(token) : initial;
        var touchedBefore = active.Count();
        var mode = options.Rate > 0 ? string.Create(CultureInfo.InvariantCulture, $"open loop at {options.Rate:N0}/s") : $"closed loop, {options.MaxInFlight} batches in flight";
        log($"{label}: {stretch.TotalSeconds:0} s, uniform subjects, batches of {options.BatchSize}, {mode}");
        var phase = await runner.RunPhaseAsync(new PhasePlan(label, options.Rate, options.Rate > 0 ? options.Ramp : TimeSpan.Zero, stretch, null), token);
        Phases.Add(phase);
        var after = await silo.ReadAsync(token);

        var acked = phase.Counts.Acked;
        double? PerSignal(double? seconds) => seconds is { } s && acked > 0 ? s / acked * 1e6 : null;
        double? Delta(double? end, double? start) => end is { } e && start is { } s ? e - s : null;
        var added = Delta(after.Silo.SubjectsActive, initial.Silo.SubjectsActive) ?? Delta(after.Silo.SubjectActivations, initial.Silo.SubjectActivations)
            ?? active.Count();
        double? heapGrowth = silo.InThisProcess ? after.ForcedHeap - initial.ForcedHeap : Delta(after.Silo.HeapBytes, initial.Silo.HeapBytes);
        var activations = Delta(after.Silo.SubjectActivations, before.Silo.SubjectActivations);
        var activationMs = Delta(after.Silo.ActivationMilliseconds, before.Silo.ActivationMilliseconds);
        var timed = Delta(after.Silo.ActivationCount, before.Silo.ActivationCount);
        var perSignal = phase.CpuPerSignal;
        return new SpreadStage(
            label,
            subjects,
            phase,
            active.Count() - touchedBefore,
            activations,
            activationMs is { } ms && timed is > 0 ? ms / timed : null,
            PerSignal(Delta(after.Silo.CpuSeconds, before.Silo.CpuSeconds)) ?? (silo.InThisProcess ? perSignal?.Process : null),
            PerSignal(Delta(after.PostgresSeconds, before.PostgresSeconds)),
            silo.PostgresWholeMachine,
            silo.InThisProcess ? null : perSignal?.Process,
            perSignal?.Machine,
            heapGrowth is { } growth && added > 0 ? growth / added : null,
            silo.InThisProcess ? "forced full GC" : after.Silo.HeapBytes is null ? null : "the silo's last GC, not forced",
            after.Silo.SubjectsActive ?? active.Count());
    }

    public static string Count(long subjects) => subjects switch
    {
        >= 1_000_000 when subjects % 1_000_000 == 0 => (subjects / 1_000_000).ToString(CultureInfo.InvariantCulture) + "M",
        >= 1_000 when subjects % 1_000 == 0 => (subjects / 1_000).ToString(CultureInfo.InvariantCulture) + "k",
        _ => subjects.ToString("N0", CultureInfo.InvariantCulture),
    };
}
