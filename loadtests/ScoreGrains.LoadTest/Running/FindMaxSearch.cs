using System.Globalization;
using ScoreGrains.LoadTest.Options;

namespace ScoreGrains.LoadTest.Running;

/// <summary>
/// The closed loop around open-loop steps: run a step at a rate, judge it against the bound (p99 after the
/// step's short ramp, error share, and acknowledged rate within 5% of the target), multiply the rate while steps
/// pass, then bisect between the last passing and the first failing rate. A rate fails only when two steps at it
/// fail: one GC pause or checkpoint can put a single 10 s step's p99 over the bound, and a search that turned back
/// there reported a third of the rate it held in other runs (loadtests/HISTORY.md). With a hold, the found rate must
/// then pass one long step (each try 20% below the last one's rate, or its acknowledged rate when lower; at most four
/// tries) to count. Optionally ends with a longer run at half the sustainable rate for its latency percentiles.
/// </summary>
/// <param name="runPhase">Runs one phase to its end (<see cref="LoadRunner.RunPhaseAsync"/>).</param>
/// <param name="settle">The pause between steps, for the silo to settle (1 s unless given).</param>
public sealed class FindMaxSearch(LoadTestOptions options, Func<PhasePlan, CancellationToken, Task<PhaseResult>> runPhase, TimeSpan? settle = null)
{
    private const int HoldTries = 4;
    private const double HoldStepDown = 0.8;
    private static readonly TimeSpan StepRamp = TimeSpan.FromSeconds(2);

    private readonly TimeSpan _settle = settle ?? TimeSpan.FromSeconds(1);

    public List<PhaseResult> Steps { get; } = [];

    /// <summary>The highest rate whose short step passed.</summary>
    public double? ShortStepMax { get; private set; }

    /// <summary>The held rate with a hold, else <see cref="ShortStepMax"/>.</summary>
    public double? MaxSustainableRate { get; private set; }

    // Time kept aside while the short steps run: enough for three holds (a fourth runs only if the budget still allows).
    // Short steps pass above what a minute holds (a 10 s step ends before the in-flight backlog and the journal's
    // growth catch up with it), so the first hold often fails; with two, a search whose holds started at its short
    // steps' best reported no held rate at all.
    private TimeSpan HoldReserve => options.Hold > TimeSpan.Zero ? (options.Hold + StepRamp + TimeSpan.FromSeconds(1)) * 3 : TimeSpan.Zero;

    public PhaseResult? AtHalf { get; private set; }

    public async Task RunAsync(Func<TimeSpan> remaining, CancellationToken cancellationToken)
    {
        double? pass = null;
        double? fail = null;
        var rate = options.Rate;
        var refinements = 0;
        double? retried = null;
        while (!cancellationToken.IsCancellationRequested && remaining() - HoldReserve > options.StepDuration + StepRamp)
        {
            var step = await runPhase(
                new PhasePlan($"step {Steps.Count + 1}: {rate.ToString("0", CultureInfo.InvariantCulture)}/s", rate, StepRamp, options.StepDuration + StepRamp, null),
                cancellationToken);
            var verdict = Judge(step);
            var retry = verdict is not null && retried != rate;
            Steps.Add(step with { Verdict = verdict is null ? "sustained" : retry ? verdict + "; once more at this rate" : verdict });
            if (cancellationToken.IsCancellationRequested)
            {
                break;
            }

            if (retry)
            {
                retried = rate;
                await Task.Delay(_settle, cancellationToken);
                continue;
            }

            if (verdict is null)
            {
                pass = Math.Max(pass ?? 0, rate);
            }
            else
            {
                fail = Math.Min(fail ?? double.MaxValue, rate);
            }

            if (fail is null)
            {
                rate *= options.StepFactor;
            }
            else if (pass is null)
            {
                rate /= options.StepFactor * options.StepFactor; // even the first step failed: back off fast
                if (rate < 10)
                {
                    break;
                }
            }
            else if (refinements++ < options.Refinements)
            {
                rate = (pass.Value + fail.Value) / 2;
            }
            else
            {
                break;
            }

            await Task.Delay(_settle, cancellationToken); // let the silo settle between steps
        }

        ShortStepMax = pass;
        MaxSustainableRate = options.Hold > TimeSpan.Zero && pass is { } found ? await HoldAsync(found, remaining, cancellationToken) : pass;
        var halfDuration = options.StepDuration * 2;
        if (options.LatencyAtHalf && MaxSustainableRate is { } max && !cancellationToken.IsCancellationRequested && remaining() > halfDuration)
        {
            AtHalf = await runPhase(
                new PhasePlan($"at half: {(max / 2).ToString("0", CultureInfo.InvariantCulture)}/s", max / 2, StepRamp, halfDuration, null),
                cancellationToken);
        }
    }

    private async Task<double?> HoldAsync(double rate, Func<TimeSpan> remaining, CancellationToken cancellationToken)
    {
        for (var held = 0; held < HoldTries && !cancellationToken.IsCancellationRequested && remaining() > options.Hold + StepRamp; held++)
        {
            await Task.Delay(_settle, cancellationToken);
            var step = await runPhase(
                new PhasePlan(string.Create(CultureInfo.InvariantCulture, $"hold {held + 1}: {rate:0}/s for {options.Hold.TotalSeconds:0} s"), rate, StepRamp, options.Hold + StepRamp, null),
                cancellationToken);
            var verdict = Judge(step);
            Steps.Add(step with { Verdict = verdict ?? "held" });
            if (verdict is null && !cancellationToken.IsCancellationRequested)
            {
                return rate;
            }

            // 20% below what it tried, or below what it acknowledged when that was less: an overloaded hold says how far off it was.
            rate = HoldStepDown * Math.Min(rate, step.AckedPerSecond);
        }

        return null;
    }

    private string? Judge(PhaseResult step)
    {
        if (!step.DrainedInTime)
        {
            return "answers still outstanding after the drain timeout";
        }

        if (step.ErrorRate > options.MaxErrorRate)
        {
            return string.Create(CultureInfo.InvariantCulture, $"errors {step.ErrorRate:P2} > {options.MaxErrorRate:P2}");
        }

        if (step.Steady.P99Ms > options.MaxP99.TotalMilliseconds)
        {
            return string.Create(CultureInfo.InvariantCulture, $"p99 {step.Steady.P99Ms:0.#} ms > {options.MaxP99.TotalMilliseconds:0} ms");
        }

        return step.AckedPerSecond < step.TargetRate * 0.95
            ? string.Create(CultureInfo.InvariantCulture, $"acknowledged {step.AckedPerSecond:0}/s < 95% of {step.TargetRate:0}/s")
            : null;
    }
}
