using System.Globalization;
using ScoreGrains.LoadTest.Resources;
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
            rows.Add(("CPU", F($"this process {cpu:0}% of {Environment.ProcessorCount} cores")
                + (r.PostgresCpuPercent is { } pg ? F($", PostgreSQL {pg:0}%") : "")
                + (r.MachineCpuPercent is { } m ? F($", machine {m:0}%") : "")));
        }

        if (r.MaxSustainableRate is { } max)
        {
            rows.Add(("max sustainable", F($"{max:N0} signals/s")));
        }
        else if (r.Phases.Count > 1 && r.JournalComparison is null && r.Cluster is null && r.Spread is null)
        {
            rows.Add(("max sustainable", "none of the steps met the bound"));
        }

        if (r.AtHalf is { } half)
        {
            rows.Add(("latency at half max", F($"{half.TargetRate:N0}/s: ") + Latency(half.Steady)));
        }

        foreach (var rate in r.Yardstick?.Rates ?? [])
        {
            rows.Add(($"yardstick: {rate.Name}", F($"{rate.CallsPerSecond:N0} calls/s = {rate.RatioToEmptyCall:0.00}x empty call; {rate.AllocatedBytesPerCall:N0} B allocated, {rate.CpuMicrosPerCall:0.0} µs CPU per call")));
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

        if (r.JournalComparison is { } jc)
        {
            JournalComparisonRows(jc, rows);
        }

        if (r.JournalSize is { } js)
        {
            var st = js.Storage;
            rows.Add(("journal load", F($"{js.Load.Rows:N0} rows over {js.Subjects:N0} subjects by COPY ({js.Load.Connections}x{js.Load.BatchRows:N0} rows) in {js.Load.Seconds:0} s = {js.Load.RowsPerSecond:N0} rows/s")
                + (js.IndexBuildSeconds is { } built ? F($", keys dropped; built afterwards in {built:0} s") : "")));
            rows.Add(("journal size", F($"{st.TotalBytes / 1048576.0:N0} MB = {st.TotalBytesPerMillion / 1048576.0:N1} MB per million signals ({st.HeapBytesPerRow:0} B rows + {st.IndexBytesPerRow:0} B indexes per signal, average row {st.AverageRowBytes:0} B; primary key {st.PrimaryKeyBytes / 1048576.0:N0} MB, signalId index {st.SignalIdIndexBytes / 1048576.0:N0} MB)")));
            foreach (var rt in js.Replay)
            {
                rows.Add(("replay: " + rt.Name, F($"p50 {rt.Latency.P50Ms:0.###} ms, p99 {rt.Latency.P99Ms:0.###} ms, max {rt.Latency.MaxMs:0.###} ms over {rt.Queries:N0} subjects, {rt.MeanRows:0.#} rows each on average (max {rt.MaxRows:N0})")));
            }

            rows.Add(("replay plan", (js.PlanUsesPrimaryKey ? "uses the primary key: " : "DOES NOT use the primary key: ") + (js.Plan.Split('\n').FirstOrDefault(l => l.Contains("_pkey", StringComparison.Ordinal)) ?? js.Plan.Split('\n')[0]).Trim()));
        }

        foreach (var pair in r.Spread?.Pairs ?? [])
        {
            SpreadRows(pair, pair.Target + $" ({pair.Persistence})", rows);
        }

        foreach (var row in r.Cluster?.Scale ?? [])
        {
            rows.Add(($"{row.Silos} silo(s)", F($"{row.AckedPerSecond:N0} acknowledged/s = {row.RatioToOneSilo:0.00}x one silo; ack ") + Latency(row.Latency)
                + F($"; {row.Errors:N0} errors") + (row.MachineCpuPercent is { } m ? F($"; machine CPU {m:0}%") : "")));
        }

        if (r.Cluster?.Kill is { } k)
        {
            rows.Add(("kill", F($"SIGKILL of silo {k.Silos} of {k.Silos} at {k.KilledAtSeconds:0.0} s; ")
                + (k.LastFailureAfterKillSeconds is { } last ? F($"the last unacknowledged attempt began {last:0.00} s after it") : "no attempt failed after it")));
            rows.Add(("gap a producer saw", F($"p50 {k.Gaps.P50Ms:0} ms, p99 {k.Gaps.P99Ms:0} ms, max {k.Gaps.MaxMs:0} ms over {k.Gaps.Count:N0} batches that needed a retry (first failed attempt to acknowledgement)")));
            rows.Add(("retries", F($"{k.RetriedItems:N0} item retries (same signalIds), {k.NoAnswer:N0} requests without an answer, {k.ServerErrors:N0} server errors, {k.GaveUpItems:N0} items given up")));
            var check = k.Check;
            rows.Add(("journal check", F($"{(check.Passed ? "PASSED" : "FAILED")}: {check.Subjects:N0} subjects, {k.AcknowledgedSignals:N0} signals acknowledged, {check.JournaledSignals:N0} journaled; {check.Lost:N0} lost, {check.Doubled:N0} doubled, {check.Unknown:N0} unknown, {check.Mismatches:N0} scores not the fold of their journal, {check.StoredUnacknowledged:N0} stored but never acknowledged; {check.Seconds:0.0} s")));
            foreach (var example in check.Examples)
            {
                rows.Add(("journal check: example", example));
            }
        }

        if (r.Check is { } c)
        {
            rows.Add(("check", F($"{(c.Passed ? "PASSED" : "FAILED")}: {c.Checked:N0} subjects compared ({c.Checked - c.WithinRounding:N0} bit for bit, {c.WithinRounding:N0} within rounding), {c.Mismatches:N0} mismatches, {c.UnexpectedOutcomes:N0} unexpected outcomes, {c.SkippedUncertain:N0} skipped (outcome unknown); {c.Signals:N0} signals folded in {c.Seconds:0.0} s")));
        }

        rows.Add(("result", r.Failures.Count == 0 ? "PASSED" : "FAILED: " + string.Join("; ", r.Failures)));
        return rows;
    }

    private static void JournalComparisonRows(Journal.JournalComparisonResult jc, List<(string, string)> rows)
    {
        foreach (var mode in new[] { jc.Journal, jc.PerSignal, jc.InMemory })
        {
            if (mode is null)
            {
                continue;
            }

            if (mode != jc.InMemory)
            {
                rows.Add(($"{mode.Persistence}: max sustainable", (mode.MaxSustainableRate is { } max ? F($"{max:N0} signals/s") : "none of the steps met the bound")
                    + (mode.ShortStepMax is { } shortMax && shortMax != mode.MaxSustainableRate ? F($" (short steps: {shortMax:N0}/s)") : "")));
            }

            if (mode.Saturated is { } saturated)
            {
                rows.Add(($"{mode.Persistence}: saturated", F($"{saturated.AckedPerSecond:N0} signals/s acknowledged, closed loop (p50 {saturated.Steady.P50Ms:0} / p99 {saturated.Steady.P99Ms:0} ms)")
                    + (mode.RowsAtSaturation > 0 ? F($", journal of {mode.RowsAtSaturation:N0} rows") : "")));
                if (CpuPerItem(saturated.CpuPerSignal) is { } cpu)
                {
                    rows.Add(($"{mode.Persistence}: CPU per signal, saturated", cpu));
                }
            }

            if (mode.AtFixedRate is { } at)
            {
                rows.Add(($"{mode.Persistence}: at {at.TargetRate:N0}/s", Latency(at.Steady)));
            }

            if (mode.Activation is { } a)
            {
                rows.Add(($"{mode.Persistence}: activation", F($"{a.Counts.Acked:N0} subjects in {a.ElapsedSeconds:0.0} s = {a.AckedPerSecond:N0}/s")));
            }

            if (mode.RowsPerCommit is { } perCommit)
            {
                rows.Add(($"{mode.Persistence}: group commit", F($"{mode.Commits:N0} commits of {perCommit:0} rows ({(double)mode.Appends / mode.Commits:0.0} grain appends) on average, largest {mode.LargestBatch:N0} appends; slowest commit {mode.SlowestCommit.TotalMilliseconds:N0} ms")));
            }

            if (mode.RowsPerCommitAtSaturation is { } perCommitSaturated)
            {
                rows.Add(($"{mode.Persistence}: group commit, saturated", F($"{mode.CommitsAtSaturation:N0} commits of {perCommitSaturated:0} rows on average in the closed loop and its drain")));
            }

            if (mode.Spread is { } spread)
            {
                SpreadRows(spread, mode.Persistence, rows);
            }

            if (mode.Storage is { } st)
            {
                rows.Add(($"{mode.Persistence}: journal size", F($"{st.Rows:N0} rows, {st.TotalBytes / 1048576.0:N0} MB = {st.TotalBytesPerMillion / 1048576.0:N1} MB per million signals ({st.HeapBytesPerRow:0} B rows + {st.IndexBytesPerRow:0} B indexes per signal; average row {st.AverageRowBytes:0} B)")));
            }
        }

        foreach (var copy in jc.RawCopy)
        {
            rows.Add((copy.Name, F($"{copy.RowsPerSecond:N0} rows/s ({copy.Rows:N0} rows in {copy.Seconds:0.0} s; one COPY p50 {copy.BatchLatency.P50Ms:0.0} ms, p99 {copy.BatchLatency.P99Ms:0.0} ms)")
                + (copy.TableRows > 0 ? F($", into a table of {copy.TableRows:N0} rows") : "")
                + (CpuPerItem(copy.CpuPerRow) is { } cpu ? "; per row " + cpu : "")));
        }

        if (jc.JournalToPerSignal is { } vsPerSignal)
        {
            rows.Add(("journal / per-signal", F($"{vsPerSignal:0.00}x (target >= 10x)")));
        }

        if (jc.SaturatedJournalToPerSignal is { } saturatedRatio)
        {
            rows.Add(("journal / per-signal, saturated", F($"{saturatedRatio:0.00}x")));
        }

        if (jc.JournalToRawCopy is { } vsCopy)
        {
            rows.Add(("journal / raw COPY", F($"{vsCopy:P0} of {jc.RawCopyLimit:N0} rows/s (target >= 50%)")));
        }

        if (jc.SaturatedJournalToRawCopy is { } saturatedVsCopy)
        {
            rows.Add(("journal / raw COPY, saturated", F($"{saturatedVsCopy:P0}")));
        }

        if (jc.SaturatedJournalToRawCopyAtSize is { } atSize)
        {
            rows.Add(("journal / raw COPY at its size, saturated", F($"{atSize:P0} of {jc.RawCopyAtJournalSize!.RowsPerSecond:N0} rows/s into a table of {jc.RawCopyAtJournalSize.TableRows:N0} rows (the journal's when its closed loop started: {jc.Journal!.RowsAtSaturation:N0})")));
        }
        else if (jc.RawCopyReachedJournalSize)
        {
            rows.Add(("journal / raw COPY at its size, saturated", F($"the saturated ratio above: raw COPY's own stretches wrote {jc.RawCopyStretchRows:N0} rows, at least the journal's {jc.Journal!.RowsAtSaturation:N0} when its closed loop started, so no larger table was filled")));
        }

        if (jc.SaturatedBoundToRawCopy is { } bound)
        {
            rows.Add(("bound on journal / raw COPY", F($"{bound:P0}: in memory / (in memory + raw COPY), saturated; no journal on these cores can do better with this silo")));
        }
    }

    /// <summary>A spread pair: each stage's figures, then the ratio many / few.</summary>
    private static void SpreadRows(Spread.SpreadPair pair, string label, List<(string, string)> rows)
    {
        foreach (var stage in new[] { pair.Few, pair.Many })
        {
            var p = stage.Phase;
            rows.Add(($"{label}: spread {Spread.SpreadWorkload.Count(stage.Subjects)}", F($"{p.AckedPerSecond:N0} signals/s acknowledged, ack p50 {p.Steady.P50Ms:0} / p99 {p.Steady.P99Ms:0} ms, {p.Counts.Errors:N0} errors; ")
                + F($"{stage.ActivationsPerSecond:N0} activations/s") + (stage.ActivationMeanMs is { } ms ? F($" ({ms:0.0} ms each)") : "")
                + F($", {stage.SubjectsActive:N0} subjects active at the end")));
            var cpu = new List<string>();
            if (stage.SiloCpuMicrosPerSignal is { } silo)
            {
                cpu.Add(F($"silo {silo:0.0} us"));
            }

            if (stage.PostgresCpuMicrosPerSignal is { } pg)
            {
                cpu.Add(F($"PostgreSQL {pg:0.0} us") + (stage.PostgresWholeMachine ? " (every postgres process on the machine)" : ""));
            }

            if (stage.ProducerCpuMicrosPerSignal is { } producer)
            {
                cpu.Add(F($"producer (this process) {producer:0.0} us"));
            }

            if (stage.MachineCpuMicrosPerSignal is { } machine)
            {
                cpu.Add(F($"machine {machine:0.0} us"));
            }

            if (stage.HeapBytesPerNewSubject is { } heap)
            {
                cpu.Add(F($"heap {heap:N0} B per subject added ({stage.HeapSource})"));
            }

            if (cpu.Count > 0)
            {
                rows.Add(($"{label}: spread {Spread.SpreadWorkload.Count(stage.Subjects)}, CPU per signal and heap", string.Join(", ", cpu)));
            }
        }

        if (pair.Ratio is { } ratio)
        {
            rows.Add(($"{label}: spread {Spread.SpreadWorkload.Count(pair.Many.Subjects)} / {Spread.SpreadWorkload.Count(pair.Few.Subjects)}", F($"{ratio:P0} (target >= 50%)")));
        }

        if (pair.ManyPerEmptyCall is { } many && pair.FewPerEmptyCall is { } few)
        {
            rows.Add(($"{label}: spread per empty grain call", F($"{Spread.SpreadWorkload.Count(pair.Many.Subjects)}: {many:0.00}x {pair.EmptyCallsMany:N0} calls/s over as many grains (target >= 0.8x in memory mode); ")
                + F($"{Spread.SpreadWorkload.Count(pair.Few.Subjects)}: {few:0.00}x {pair.EmptyCallsFew:N0} calls/s")));
        }
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

    /// <summary>
    /// CPU microseconds per signal or row: this process (silo and generator, or raw COPY's writer), PostgreSQL's
    /// processes, the machine. Where the two sides' time goes, so modes compare by cost, not only by rate.
    /// </summary>
    private static string? CpuPerItem(CpuTimePerItem? time) =>
        time is { Process: { } process } t
            ? F($"this process {process:0.0} us")
              + (t.Postgres is { } pg ? F($", PostgreSQL {pg:0.0} us") : "")
              + (t.Machine is { } machine ? F($", machine {machine:0.0} us of CPU") : "")
            : null;
}
