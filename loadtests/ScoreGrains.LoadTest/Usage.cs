using System.Text;
using ScoreGrains.LoadTest.Options;

namespace ScoreGrains.LoadTest;

internal static class Usage
{
    public static string Text { get; } = Build();

    private static string Build()
    {
        var text = new StringBuilder("""
            ScoreGrains load tester. Every run stops by itself (duration/count) and sends to loopback addresses only.

              dotnet run -c Release --project loadtests/ScoreGrains.LoadTest -- --scenario NAME [options]

            Target:   --target inprocess|http|client|none (--generate-only = none)   --url http://127.0.0.1:5080 (repeatable: round-robin)
                      --retry-for 0s (HTTP: resend what was not acknowledged, same ids, to the next silo for this long)
                      --gateway 127.0.0.1:30000 (repeatable) --service-id --cluster-id
                      --persistence journal|per-signal|memory   --connection-string CS   --silo-log-level Error
                      --silo-setting Key=Value (repeatable; in-process silo configuration, e.g. ScoreGrains:SnapshotMinInterval=00:01:00)
            Subjects: --subjects 100k (<= 10m)  --mix citizen=80,company=15,official=5
                      --skew zipf[:0.9]|hotset[:0.01:0.9]|uniform|sequential   --type-mix realistic|uniform
                      --late-share 0.1   --seed 42   --run-id ABC (id prefix; random by default)
            Load:     --rate 5000 (signals/s; 0 or max = closed loop)  --ramp 5s  --duration 30s  --count 1m
                      --batch 100  --producers 4  --max-in-flight 256  --drain-timeout 30s
            Find max: --mode find-max  --rate START  --step-duration 15s  --step-factor 1.5  --refinements 2
                      --hold 60s (hold the found rate, -20% while it fails, 4 tries; default 0: off)
                      --max-p99 500ms  --max-error-rate 0.001  --no-latency-at-half
            Journal:  --mode journal-vs-baseline  --compare per-signal,journal,memory,copy  --fixed-rate R (default: half the per-signal max)
                      --journal-start-rate R (default: --rate)  --saturate-at-rows N  --copy-connections 2  --copy-batches 500,5000
                      --mode journal-size  --count ROWS  --subjects N  --replay-samples 1000  --index-after-load  --cluster-after-load
            Spread:   --mode spread  --subjects 1m (<= 10m)  --spread-few 3000  --spread-few-duration (default: --step-duration)  --spread-targets http,inprocess  --step-duration 20s (each stage)  --url (a running silo instead of one started)
                      journal-vs-baseline: --spread-subjects 1m (its second workload beside Zipf; 0: off)  --spread-few 3000
            Cluster:  --mode cluster-scale|cluster-kill  --silos 3  --kill-at 20s (silo processes on an embedded PostgreSQL, started by the tool)
            Measure:  --activate (every subject once first)  --activate-batch 40  --check  --yardstick  --yardstick-duration 10s  --measure-memory  --compare-rate R (generator)
            Output:   --out DIR (default loadtests/results)  --progress-every 2s (plain output)  --models DIR

            Exit code: 0 passed; 1 errors above --max-error-rate, check mismatches or nothing acknowledged;
                       2 bad options or the target could not start; 130 interrupted (partial report written).

            Scenarios:
            """);
        text.AppendLine();
        foreach (var scenario in Scenarios.All.Values)
        {
            text.Append("  ").Append(scenario.Name.PadRight(18)).AppendLine(scenario.Description);
            text.Append("  ").Append(' ', 18).AppendLine(string.Join(' ', scenario.Arguments));
        }

        return text.ToString();
    }
}
