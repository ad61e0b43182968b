namespace ScoreGrains.LoadTest.Options;

/// <summary>Ready-made runs: a scenario is a set of options that any later option on the command line overrides.</summary>
public static class Scenarios
{
    public static IReadOnlyDictionary<string, Scenario> All { get; } = new[]
    {
        new Scenario(
            "smoke",
            "CI: 5 s of durable load on 2,000 hot subjects in process, then checks every score; non-zero exit on any error or mismatch.",
            ["--target", "inprocess", "--persistence", "per-signal", "--subjects", "2000", "--skew", "hotset", "--batch", "50",
             "--producers", "2", "--rate", "1000", "--ramp", "1s", "--duration", "5s", "--check", "--max-error-rate", "0",
             "--drain-timeout", "20s"]),
        new Scenario(
            "baseline",
            "Durable (per-signal) open loop at 2,000 signals/s over 100k Zipf subjects for 60 s, with the empty-call yardstick and the check.",
            ["--target", "inprocess", "--persistence", "per-signal", "--subjects", "100000", "--skew", "zipf", "--rate", "2000",
             "--ramp", "5s", "--duration", "60s", "--yardstick", "--check"]),
        new Scenario(
            "find-max",
            "Durable (per-signal): raise the rate in 15 s steps until p99 > 500 ms or errors > 0.1 %, then 30 s at half the max; 1M Zipf subjects.",
            ["--target", "inprocess", "--persistence", "per-signal", "--mode", "find-max", "--subjects", "1000000", "--skew", "zipf",
             "--rate", "1000", "--step-duration", "15s", "--step-factor", "1.5", "--max-p99", "500ms", "--max-error-rate", "0.001",
             "--duration", "9m", "--yardstick"]),
        new Scenario(
            "find-max-memory",
            "The in-memory fold path (persistence off): find-max as above, with the empty-call yardstick measured in the same run.",
            ["--target", "inprocess", "--persistence", "memory", "--mode", "find-max", "--subjects", "1000000", "--skew", "zipf",
             "--rate", "20000", "--step-duration", "10s", "--step-factor", "1.5", "--max-p99", "500ms", "--max-error-rate", "0.001",
             "--duration", "6m", "--yardstick"]),
        new Scenario(
            "memory-1m",
            "Activates 1,000,000 subjects (one signal each, persistence off), then heap per active subject after a full GC vs empty activations.",
            ["--target", "inprocess", "--persistence", "memory", "--subjects", "1000000", "--skew", "sequential", "--count", "1000000",
             "--rate", "0", "--batch", "1000", "--max-in-flight", "64", "--duration", "9m", "--measure-memory"]),
        new Scenario(
            "activate-durable",
            "Activates 100,000 subjects with durable writes (one signal each): time to activate with per-signal persistence.",
            ["--target", "inprocess", "--persistence", "per-signal", "--subjects", "100000", "--skew", "sequential", "--count", "100000",
             "--rate", "0", "--batch", "1000", "--max-in-flight", "64", "--duration", "9m", "--measure-memory"]),
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
    }.ToDictionary(s => s.Name, StringComparer.OrdinalIgnoreCase);
}
