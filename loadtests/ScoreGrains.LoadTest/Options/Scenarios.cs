namespace ScoreGrains.LoadTest.Options;

/// <summary>Ready-made runs: a scenario is a set of options that any later option on the command line overrides.</summary>
public static class Scenarios
{
    public static IReadOnlyDictionary<string, Scenario> All { get; } = new[]
    {
        new Scenario(
            "smoke",
            "CI: 5 s of durable load (the silo's default journal persistence) on 1,000 subjects (1% hot) in process, then checks every score; non-zero exit on any error or mismatch.",
            ["--target", "inprocess", "--subjects", "1000", "--skew", "hotset", "--batch", "25",
             "--producers", "2", "--max-in-flight", "16", "--rate", "500", "--ramp", "1s", "--duration", "5s", "--check",
             "--max-error-rate", "0", "--drain-timeout", "20s"]),
        new Scenario(
            "baseline",
            "Durable (per-signal) open loop at 2,000 signals/s over 100k Zipf subjects for 60 s, with the empty-call yardstick and the check.",
            ["--target", "inprocess", "--persistence", "per-signal", "--subjects", "100000", "--skew", "zipf", "--rate", "2000",
             "--ramp", "5s", "--duration", "60s", "--yardstick", "--check"]),
        new Scenario(
            "find-max",
            "Durable (per-signal): activate 100k subjects, then from 250/s raise the rate x1.5 in 15 s steps (Zipf, batches of 20, 4 in flight) until p99 > 500 ms or errors > 0.1 %; then 30 s at half the max.",
            ["--target", "inprocess", "--persistence", "per-signal", "--mode", "find-max", "--subjects", "100000", "--skew", "zipf",
             "--activate", "--batch", "20", "--producers", "2", "--max-in-flight", "4", "--rate", "250", "--step-duration", "15s",
             "--step-factor", "1.5", "--max-p99", "500ms", "--max-error-rate", "0.001", "--duration", "9m", "--yardstick"]),
        new Scenario(
            "find-max-memory",
            "The in-memory fold path (persistence off): activate 100k subjects, then find-max from 5,000/s (batches of 100), with the empty-call yardstick in the same run.",
            ["--target", "inprocess", "--persistence", "memory", "--mode", "find-max", "--subjects", "100000", "--skew", "zipf",
             "--activate", "--batch", "100", "--producers", "2", "--max-in-flight", "16", "--rate", "5000", "--step-duration", "10s",
             "--step-factor", "1.5", "--max-p99", "500ms", "--max-error-rate", "0.001", "--duration", "6m", "--yardstick"]),
        new Scenario(
            "memory-1m",
            "Activates 1,000,000 subjects (one signal each, persistence off, batches of 40, 2 in flight), then heap per active subject after a full GC vs as many empty activations.",
            ["--target", "inprocess", "--persistence", "memory", "--subjects", "1000000", "--skew", "sequential", "--count", "1000000",
             "--rate", "0", "--batch", "40", "--producers", "2", "--max-in-flight", "2", "--duration", "9m", "--measure-memory"]),
        new Scenario(
            "activate-durable",
            "Activates 100,000 subjects with durable writes (one signal each, batches of 40, 2 in flight): time to activate with per-signal persistence.",
            ["--target", "inprocess", "--persistence", "per-signal", "--subjects", "100000", "--skew", "sequential", "--count", "100000",
             "--rate", "0", "--batch", "40", "--producers", "2", "--max-in-flight", "2", "--duration", "9m", "--measure-memory"]),
        new Scenario(
            "journal-vs-baseline",
            "The journal benchmark in one run (<= 25 min): 100k Zipf subjects, batches of 500; per-signal then journal, each in a fresh in-process silo with a fresh durable embedded PostgreSQL: activate, find-max (p99 <= 500 ms, then held for 60 s), for the journal an unmeasured closed loop up to 5M rows if the search wrote fewer, 20 s closed loop (throughput at saturation), open loop at one fixed rate for both (half the per-signal max); then the silo with persistence off (activate, 20 s closed loop: the bound on journal / raw COPY); then the raw limit: the same journal rows by binary COPY into a fresh signal_journal, nothing else running, and again once that table holds as many rows as the journal did at its closed loop. Beside Zipf, the journal's and the in-memory silo also run spread traffic (20 s closed loop each over 3,000 uniform subjects, then over 1M fresh ones: --spread-subjects, 0 off).",
            ["--target", "inprocess", "--mode", "journal-vs-baseline", "--subjects", "100000", "--skew", "zipf", "--batch", "500",
             "--producers", "2", "--max-in-flight", "32", "--rate", "250", "--step-duration", "10s", "--step-factor", "1.5",
             "--refinements", "2", "--hold", "60s", "--journal-start-rate", "2000", "--saturate-at-rows", "5000000", "--max-p99", "500ms", "--max-error-rate", "0.001",
             "--activate-batch", "100", "--duration", "25m", "--drain-timeout", "30s", "--copy-connections", "2", "--copy-batches", "500,5000",
             "--spread-subjects", "1000000", "--spread-few", "3000"]),
        new Scenario(
            "spread",
            "Spread traffic (issue 26): batches of 500, each signal for a uniformly random subject, closed loop with 16 batches in flight (2 producers). Over HTTP to a silo process started on its own durable embedded PostgreSQL (or the silo at --url), then to a fresh silo in this process: 20 s over 3,000 subjects (activated first), then 20 s over 1M fresh ones; acknowledged/s, ack latency, activations/s, CPU per signal of the silo and of its PostgreSQL, heap per subject added, and the ratio 1M / 3,000.",
            ["--mode", "spread", "--subjects", "1000000", "--spread-few", "3000", "--skew", "uniform", "--batch", "500", "--producers", "2",
             "--max-in-flight", "16", "--rate", "0", "--step-duration", "20s", "--duration", "10m", "--drain-timeout", "30s", "--spread-targets", "http,inprocess"]),
        new Scenario(
            "journal-size",
            "No silo: binary COPY of 10M journal rows over 1M Zipf subjects into a fresh durable signal_journal, then bytes per million signals and the replay query's p50/p99 for random subjects, with its plan.",
            ["--target", "inprocess", "--mode", "journal-size", "--subjects", "1000000", "--skew", "zipf", "--count", "10000000",
             "--copy-connections", "2", "--copy-batches", "10000", "--duration", "6m", "--replay-samples", "1000"]),
        new Scenario(
            "generator",
            "No target: the generator's own ceiling (10M Zipf subjects, batches of 100, as fast as it can for 10 s).",
            ["--target", "none", "--subjects", "10000000", "--skew", "zipf", "--rate", "0", "--duration", "10s"]),
        new Scenario(
            "http",
            "A running silo over HTTP (default http://127.0.0.1:5080) at 1,000 signals/s for 30 s, checked.",
            ["--target", "http", "--subjects", "100000", "--rate", "1000", "--duration", "30s", "--check"]),
        new Scenario(
            "client",
            "A running silo through its Orleans gateway (default 127.0.0.1:30000) at 2,000 signals/s for 30 s, checked.",
            ["--target", "client", "--subjects", "100000", "--rate", "2000", "--duration", "30s", "--check"]),
        new Scenario(
            "cluster-scale",
            "1, 2, then 3 silo processes clustered on one durable embedded PostgreSQL (a fresh database each), the same load over HTTP round-robin: activate 100k Zipf subjects, then 20 s closed loop of batches of 500, 16 in flight; acknowledged/s side by side. On one machine the silos share its cores.",
            ["--mode", "cluster-scale", "--silos", "3", "--subjects", "100000", "--skew", "zipf", "--activate", "--activate-batch", "100",
             "--batch", "500", "--producers", "2", "--max-in-flight", "16", "--rate", "0", "--step-duration", "20s", "--duration", "10m"]),
        new Scenario(
            "cluster-kill",
            "3 silo processes on one durable embedded PostgreSQL; 2,000 signals/s over HTTP to silos 1 and 2 (10k uniform subjects, batches of 100) for 60 s; SIGKILL of silo 3 at 20 s; what was not acknowledged is retried with the same signalIds for up to 60 s; then every subject's journal against what was acknowledged, and its score against the fold of its journal. Reports the gap producers saw.",
            ["--mode", "cluster-kill", "--silos", "3", "--subjects", "10000", "--skew", "uniform", "--batch", "100", "--producers", "2",
             "--max-in-flight", "16", "--rate", "2000", "--ramp", "2s", "--duration", "60s", "--kill-at", "20s", "--retry-for", "60s", "--drain-timeout", "90s"]),
    }.ToDictionary(s => s.Name, StringComparer.OrdinalIgnoreCase);
}
