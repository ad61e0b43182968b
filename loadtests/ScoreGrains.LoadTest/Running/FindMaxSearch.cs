using System.Globalization;
using ScoreGrains.LoadTest.Options;

namespace ScoreGrains.LoadTest.Running;

/// <summary>
/// The closed loop around open-loop steps: run a step at a rate, judge it against the bound (p99 after the
/// step's short ramp, error share, and acknowledged rate within 5% of the target), multiply the rate while steps
/// pass, then bisect between the last passing and the first failing rate. Optionally ends with a longer run at
/// half the sustainable rate for its latency percentiles.
/// </summary>
public sealed class FindMaxSearch(LoadTestOptions options, LoadRunner runner)
{
    private static readonly TimeSpan StepRamp = TimeSpan.FromSeconds(2);

    public List<PhaseResult> Steps { get; } = [];

    public double? MaxSustainableRate { get; private set; }

    public PhaseResult? AtHalf { get; private set; }

    public async Task RunAsync(Func<TimeSpan> remaining, CancellationToken cancellationToken)
    {
        double? pass = null;
        double? fail = null;
        var rate = options.Rate;
        var refinements = 0;
        while (!cancellationToken.IsCancellationRequested && remaining() > options.StepDuration + StepRamp)
        {
            var step = await runner.RunPhaseAsync(
                new PhasePlan($"step {Steps.Count + 1}: {rate.ToString("0", CultureInfo.InvariantCulture)}/s", rate, StepRamp, options.StepDuration + StepRamp, null),
                cancellationToken);
            var verdict = Judge(step);
            Steps.Add(step with { Verdict = verdict ?? "sustained" });
            if (cancellationToken.IsCancellationRequested)
            {
                break;
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

            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken); // let the silo settle between steps
        }

        MaxSustainableRate = pass;
        var halfDuration = options.StepDuration * 2;
        if (options.LatencyAtHalf && pass is { } max && !cancellationToken.IsCancellationRequested && remaining() > halfDuration)
        {
            AtHalf = await runner.RunPhaseAsync(
                new PhasePlan($"at half: {(max / 2).ToString("0", CultureInfo.InvariantCulture)}/s", max / 2, StepRamp, halfDuration, null),
                cancellationToken);
        }
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
