using System.Globalization;
using ScoreGrains.LoadTest.Running;

namespace ScoreGrains.LoadTest.Reporting;

/// <summary>The report as rows of text, shared by the console table and the HTML page.</summary>
public static class ReportRows
{
    public static readonly IReadOnlyList<string> PhaseColumns =
        ["phase", "target/s", "sent/s", "acked/s", "errors", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms", "verdict"];

    public static IReadOnlyList<(string Label, string Value)> Summary(RunReport r)
    {
        var rows = new List<(string, string)>
        {
            ("scenario", $"{r.Scenario} (run {r.RunId})"),
            ("target", r.Target),
            ("machine", r.Machine),
            ("duration", F($"{r.Seconds:0.0} s") + (r.Interrupted ? " (interrupted: partial report)" : "")),
        };
        if (r.Totals is { } t)
        {
            rows.Add(("signals", F($"{t.Sent:N0} sent, {t.Applied:N0} applied, {t.Duplicates:N0} duplicate, {t.Rejected:N0} rejected, {t.Failed:N0} failed, {t.Unknown:N0} unknown")));
            rows.Add(("active subjects", F($"{r.ActiveSubjects:N0}")));
        }

        if (r.Latency is { Count: > 0 } l)
        {
            rows.Add(("ack latency (all)", Latency(l)));
        }

        if (r.ProcessCpuPercent is { } cpu)
        {
            rows.Add(("CPU", F($"this process {cpu:0}% of {Environment.ProcessorCount} cores") + (r.MachineCpuPercent is { } m ? F($", machine {m:0}% (adds PostgreSQL)") : "")));
        }

        if (r.MaxSustainableRate is { } max)
        {
            rows.Add(("max sustainable", F($"{max:N0} signals/s")));
        }
        else if (r.Phases.Count > 1)
        {
            rows.Add(("max sustainable", "none of the steps met the bound"));
        }

        if (r.AtHalf is { } half)
        {
            rows.Add(("latency at half max", F($"{half.TargetRate:N0}/s: ") + Latency(half.Steady)));
        }

        foreach (var rate in r.Yardstick?.Rates ?? [])
        {
            rows.Add(($"yardstick: {rate.Name}", F($"{rate.CallsPerSecond:N0} calls/s = {rate.RatioToEmptyCall:0.00}x empty call")));
        }

        if (r.Memory is { } mem)
        {
            rows.Add(("heap per active subject", F($"{mem.BytesPerSubject:N0} B at {mem.ActiveSubjects:N0} subjects (full GC)")));
            rows.Add(("heap per empty activation", F($"{mem.BytesPerEmptyActivation:N0} B at {mem.EmptyActivations:N0} ({mem.EmptyActivationsPerSecond:N0} activations/s); subject = {mem.RatioToEmptyActivation:0.00}x")));
            rows.Add(("working set", F($"{mem.WorkingSetBeforeMb:N0} MB -> {mem.WorkingSetAfterMb:N0} MB")));
        }

        if (r.Generator is { } g)
        {
            rows.Add(("generator ceiling", F($"{g.SignalsPerSecond:N0} signals/s objects, {g.SignalsPerSecondWithJson:N0}/s with JSON ({g.Producers} producers)")
                + (g.Ratio is { } ratio ? F($"; {ratio:0.0}x the compared rate {g.CompareRate:N0}/s") : "")));
        }

        if (r.Check is { } c)
        {
            rows.Add(("check", F($"{(c.Passed ? "PASSED" : "FAILED")}: {c.Checked:N0} subjects compared ({c.Checked - c.WithinRounding:N0} bit for bit, {c.WithinRounding:N0} within rounding), {c.Mismatches:N0} mismatches, {c.UnexpectedOutcomes:N0} unexpected outcomes, {c.SkippedUncertain:N0} skipped (outcome unknown); {c.Signals:N0} signals folded in {c.Seconds:0.0} s")));
        }

        rows.Add(("result", r.Failures.Count == 0 ? "PASSED" : "FAILED: " + string.Join("; ", r.Failures)));
        return rows;
    }

    public static IReadOnlyList<string> Phase(PhaseResult p) =>
    [
        p.Name,
        F($"{p.TargetRate:N0}"),
        F($"{p.SentPerSecond:N0}"),
        F($"{p.AckedPerSecond:N0}"),
        F($"{p.Counts.Errors:N0}"),
        F($"{p.Steady.P50Ms:0.0}"),
        F($"{p.Steady.P90Ms:0.0}"),
        F($"{p.Steady.P99Ms:0.0}"),
        F($"{p.Steady.P999Ms:0.0}"),
        F($"{p.Steady.MaxMs:0.0}"),
        p.Verdict ?? (p.DrainedInTime ? "" : "not drained"),
    ];

    public static string Latency(LatencySummary l) =>
        F($"p50 {l.P50Ms:0.0} / p90 {l.P90Ms:0.0} / p99 {l.P99Ms:0.0} / p99.9 {l.P999Ms:0.0} / max {l.MaxMs:0.0} ms ({l.Count:N0} signals)");

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
