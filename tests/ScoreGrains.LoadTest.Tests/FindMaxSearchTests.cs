using ScoreGrains.LoadTest.Options;
using ScoreGrains.LoadTest.Running;

namespace ScoreGrains.LoadTest.Tests;

/// <summary>
/// The find-max search against a simulated target that holds every rate up to its capacity (p99 10 ms) and none
/// above it (p99 900 ms), so the search's choices are checked without a silo.
/// </summary>
public sealed class FindMaxSearchTests
{
    private const double Capacity = 12_000;

    private readonly LoadTestOptions _options = new()
    {
        Rate = 4_000,
        StepFactor = 2,
        Refinements = 2,
        StepDuration = TimeSpan.FromSeconds(10),
        MaxP99 = TimeSpan.FromMilliseconds(500),
        LatencyAtHalf = false,
    };

    [Fact]
    public async Task OneSlowStepDoesNotEndTheClimbWhenTheSameRatePassesOnceMore()
    {
        var target = new SimulatedTarget(Capacity) { SpikeOnStep = 2 }; // the first step at 8,000/s: one GC pause
        var search = new FindMaxSearch(_options, target.RunAsync, TimeSpan.Zero);

        await search.RunAsync(() => TimeSpan.FromHours(1), CancellationToken.None);

        // 4,000 passes, 8,000 spikes then passes, 16,000 fails twice; bisecting: 12,000 passes, 14,000 fails twice.
        Assert.Equal([4_000, 8_000, 8_000, 16_000, 16_000, 12_000, 14_000, 14_000], target.Rates);
        Assert.Equal(12_000, search.ShortStepMax);
        Assert.Contains("once more at this rate", search.Steps[1].Verdict, StringComparison.Ordinal);
        Assert.Equal("sustained", search.Steps[2].Verdict);
    }

    [Fact]
    public async Task ARateFailsOnlyWhenItFailsTwice()
    {
        var target = new SimulatedTarget(Capacity);
        var search = new FindMaxSearch(_options, target.RunAsync, TimeSpan.Zero);

        await search.RunAsync(() => TimeSpan.FromHours(1), CancellationToken.None);

        Assert.Equal([4_000, 8_000, 16_000, 16_000, 12_000, 14_000, 14_000], target.Rates);
        Assert.Equal(12_000, search.ShortStepMax);
        Assert.Equal(12_000, search.MaxSustainableRate);
        Assert.StartsWith("p99 900 ms > 500 ms; once more", search.Steps[2].Verdict, StringComparison.Ordinal);
        Assert.Equal("p99 900 ms > 500 ms", search.Steps[3].Verdict);
    }

    [Fact]
    public async Task AnOverloadedHoldStepsDownFromWhatItAcknowledgedWithoutRetryingTheSameRate()
    {
        var options = new LoadTestOptions
        {
            Rate = _options.Rate, StepFactor = 2, Refinements = 0, StepDuration = _options.StepDuration, MaxP99 = _options.MaxP99,
            LatencyAtHalf = false, Hold = TimeSpan.FromSeconds(60),
        };
        var target = new SimulatedTarget(Capacity) { HoldCapacity = 7_000 };
        var search = new FindMaxSearch(options, target.RunAsync, TimeSpan.Zero);

        await search.RunAsync(() => TimeSpan.FromHours(1), CancellationToken.None);

        // Short steps find 8,000; the hold there acknowledges only 7,000/s, so the next one tries 20% below that.
        Assert.Equal(8_000, search.ShortStepMax);
        Assert.Equal([8_000, 5_600], target.HoldRates);
        Assert.Equal(5_600, search.MaxSustainableRate);
    }

    [Fact]
    public async Task AHoldThatKeepsUpButMissesTheLatencyBoundSteps20PercentBelowItsRate()
    {
        var options = new LoadTestOptions
        {
            Rate = _options.Rate, StepFactor = 2, Refinements = 0, StepDuration = _options.StepDuration, MaxP99 = _options.MaxP99,
            LatencyAtHalf = false, Hold = TimeSpan.FromSeconds(60),
        };
        var target = new SimulatedTarget(Capacity) { HoldCapacity = 7_000, HoldAcksEverything = true };
        var search = new FindMaxSearch(options, target.RunAsync, TimeSpan.Zero);

        await search.RunAsync(() => TimeSpan.FromHours(1), CancellationToken.None);

        Assert.Equal([8_000, 6_400], target.HoldRates);
        Assert.Equal(6_400, search.MaxSustainableRate);
    }

    private sealed class SimulatedTarget(double capacity)
    {
        public List<double> Rates { get; } = [];

        public List<double> HoldRates { get; } = [];

        /// <summary>The step (1-based) that sees a p99 spike whatever its rate.</summary>
        public int? SpikeOnStep { get; init; }

        /// <summary>What a long hold sustains, when it is less than a short step.</summary>
        public double? HoldCapacity { get; init; }

        /// <summary>A hold above its capacity still acknowledges its whole rate, only late (else it acknowledges its capacity).</summary>
        public bool HoldAcksEverything { get; init; }

        public Task<PhaseResult> RunAsync(PhasePlan plan, CancellationToken cancellationToken)
        {
            var hold = plan.Name.StartsWith("hold", StringComparison.Ordinal);
            (hold ? HoldRates : Rates).Add(plan.Rate);
            var limit = hold ? HoldCapacity ?? capacity : capacity;
            var slow = plan.Rate > limit || (!hold && Rates.Count == SpikeOnStep);
            var ackedRate = hold && !HoldAcksEverything ? Math.Min(plan.Rate, limit) : plan.Rate;
            var acked = (long)(ackedRate * plan.Duration.TotalSeconds);
            var latency = new LatencySummary(acked, 10, 10, 10, slow ? 900 : 10, slow ? 900 : 10, slow ? 900 : 10);
            return Task.FromResult(new PhaseResult(
                plan.Name, plan.Rate, plan.Ramp.TotalSeconds, plan.Duration.TotalSeconds, plan.Duration.TotalSeconds,
                new Counters(acked, acked, 0, 0, 0, 0), plan.Rate, ackedRate, 0, latency, latency, true));
        }
    }
}
