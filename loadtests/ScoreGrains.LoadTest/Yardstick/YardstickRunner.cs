using System.Diagnostics;
using System.Globalization;
using ScoreGrains.Contracts;
using ScoreGrains.LoadTest.Generation;

namespace ScoreGrains.LoadTest.Yardstick;

/// <summary>
/// Measures, in the run's own silo and with the same closed loop (a fixed number of calls in flight over a fixed
/// set of warm grains): the empty grain call; the same call carrying the subject call's message shape; the
/// subject grain's apply of one signal (with <c>memory</c> persistence this is the in-memory fold path); and the
/// ingest grain with one signal (routing through the stateless worker, then the subject).
/// </summary>
public sealed class YardstickRunner(IGrainFactory grains, string runId, string persistence, TimeSpan duration, Action<string> log)
{
    private const int GrainCount = 10_000;
    private const int InFlight = 512;

    // Activation reads state through the ADO.NET pool (100 connections by default): activate with fewer calls in
    // flight than that, and with per-signal persistence every subject call writes, so it keeps to that too.
    private const int PooledInFlight = 64;
    private const int Rounds = 5;
    private long _sequence;

    public async Task<YardstickResult> MeasureAsync(CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        var subjects = Enumerable.Range(0, GrainCount).Select(i => $"y{runId}-{i.ToString(CultureInfo.InvariantCulture)}").ToArray();
        List<SubjectSignal> One() =>
            [new SubjectSignal($"y{runId}-{Interlocked.Increment(ref _sequence).ToString(CultureInfo.InvariantCulture)}", "payment.on_time", null, now, "yardstick")];

        var storageBound = persistence == "memory" ? InFlight : PooledInFlight;
        var kinds = new (string Name, int InFlight, Func<int, Task> Call)[]
        {
            ("empty call", InFlight, i => grains.GetGrain<IEmptyGrain>(i).PingAsync()),
            ("empty call, subject message shape", InFlight, i => grains.GetGrain<IEmptyGrain>(i).EchoAsync(One())),
            ($"subject apply, 1 signal ({persistence})", storageBound,
                i => grains.GetGrain<ISubjectGrain>(SubjectKey.Format("citizen", subjects[i])).ApplyAsync(One())),
            ($"ingest, 1 signal ({persistence})", storageBound, i => grains.GetGrain<IIngestGrain>(0).IngestAsync(
                [new SignalInput { SignalId = One()[0].SignalId, Subject = new SubjectInput { Kind = SubjectSpace.Kinds[0], Id = subjects[i] }, Type = "payment.on_time", OccurredAt = now, Source = "yardstick" }])),
        };

        foreach (var (name, inFlight, call) in kinds)
        {
            log($"yardstick: {name}: activating {GrainCount:N0} grains, then 2 s of warm-up");
            await RunAsync(call, PooledInFlight, TimeSpan.Zero, warm: true, cancellationToken);
            await RunAsync(call, inFlight, TimeSpan.FromSeconds(2), warm: false, cancellationToken); // JIT tiering settles
        }

        // Rounds alternate the kinds so a change in the machine's background load hits them all alike; the median
        // of each kind's rounds counts.
        var rates = kinds.Select(_ => new List<double>()).ToArray();
        var allocated = new long[kinds.Length];
        var cpu = new TimeSpan[kinds.Length];
        var calls = new long[kinds.Length];
        var round = duration / Rounds;
        using var process = Process.GetCurrentProcess();
        for (var r = 0; r < Rounds; r++)
        {
            for (var k = 0; k < kinds.Length; k++)
            {
                var allocatedBefore = GC.GetTotalAllocatedBytes(precise: false);
                process.Refresh();
                var cpuBefore = process.TotalProcessorTime;
                var done = await RunAsync(kinds[k].Call, kinds[k].InFlight, round, warm: false, cancellationToken);
                process.Refresh();
                cpu[k] += process.TotalProcessorTime - cpuBefore;
                allocated[k] += GC.GetTotalAllocatedBytes(precise: false) - allocatedBefore;
                calls[k] += done;
                rates[k].Add(done / round.TotalSeconds);
            }
        }

        var medians = rates.Select(list => list.Order().ElementAt(list.Count / 2)).ToArray();
        for (var k = 0; k < kinds.Length; k++)
        {
            log(string.Create(CultureInfo.InvariantCulture,
                $"yardstick: {kinds[k].Name}: median {medians[k]:N0} calls/s with {kinds[k].InFlight} in flight (rounds: {string.Join(", ", rates[k].Select(x => x.ToString("N0", CultureInfo.InvariantCulture)))}); {(double)allocated[k] / Math.Max(1, calls[k]):N0} B allocated and {cpu[k].TotalMicroseconds / Math.Max(1, calls[k]):0.0} µs CPU per call (whole process)"));
        }

        string[] descriptions =
        [
            "IEmptyGrain.PingAsync(): the Orleans floor",
            "IEmptyGrain.EchoAsync(one SubjectSignal) -> one SignalOutcome, no fold",
            "ISubjectGrain.ApplyAsync(one signal): dedupe, validate, fold" + (persistence == "memory" ? " (in-memory fold path)" : ", then one ADO.NET state write"),
            "IIngestGrain.IngestAsync(one signal): envelope check, route, subject apply",
        ];
        return new YardstickResult(GrainCount, InFlight, duration.TotalSeconds, persistence,
            [.. kinds.Select((kind, k) => new CallRate(kind.Name, medians[k], medians[k] / medians[0], descriptions[k])
            {
                AllocatedBytesPerCall = (double)allocated[k] / Math.Max(1, calls[k]),
                CpuMicrosPerCall = cpu[k].TotalMicroseconds / Math.Max(1, calls[k]),
            })]);
    }

    // Warm: each of the grains once. Timed: round the grains for the duration.
    private static Task<long> RunAsync(Func<int, Task> call, int inFlight, TimeSpan duration, bool warm, CancellationToken cancellationToken) =>
        warm
            ? ClosedLoop.RunAsync(n => call((int)n), inFlight, GrainCount, TimeSpan.MaxValue, cancellationToken)
            : ClosedLoop.RunAsync(n => call((int)(n % GrainCount)), inFlight, long.MaxValue, duration, cancellationToken);
}
