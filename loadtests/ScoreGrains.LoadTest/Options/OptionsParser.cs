using System.Globalization;

namespace ScoreGrains.LoadTest.Options;

/// <summary>
/// Parses <c>--name value</c> and <c>--name=value</c>. A <c>--scenario</c> is applied first, wherever it stands,
/// so every other option overrides it. Numbers take k/m suffixes (<c>10k</c>, <c>1m</c>); times take ms/s/m.
/// </summary>
public static class OptionsParser
{
    private static readonly HashSet<string> Flags = new(StringComparer.OrdinalIgnoreCase)
    {
        "check", "activate", "yardstick", "measure-memory", "generate-only", "no-latency-at-half", "index-after-load", "cluster-after-load", "no-check", "no-yardstick", "help",
    };

    /// <summary>Returns the options, or throws <see cref="OptionsException"/> naming the bad option.</summary>
    public static LoadTestOptions Parse(IReadOnlyList<string> args)
    {
        var pairs = Tokenize(args);
        var options = new LoadTestOptions();
        if (pairs.FirstOrDefault(p => p.Name == "scenario") is { Value: { } name })
        {
            if (!Scenarios.All.TryGetValue(name, out var scenario))
            {
                throw new OptionsException($"Unknown scenario '{name}'. Known: {string.Join(", ", Scenarios.All.Keys)}.");
            }

            foreach (var (key, value) in Tokenize(scenario.Arguments))
            {
                Apply(options, key, value);
            }

            options.Scenario = scenario.Name;
        }

        foreach (var (key, value) in pairs.Where(p => p.Name != "scenario"))
        {
            Apply(options, key, value);
        }

        Validate(options);
        return options;
    }

    public static bool WantsHelp(IReadOnlyList<string> args) =>
        args.Any(a => a is "--help" or "-h" or "-?" or "help");

    private static List<(string Name, string? Value)> Tokenize(IReadOnlyList<string> args)
    {
        var result = new List<(string, string?)>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new OptionsException($"Unexpected argument '{arg}': options look like --name value.");
            }

            var body = arg[2..];
            var equals = body.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                result.Add((body[..equals].ToLowerInvariant(), body[(equals + 1)..]));
            }
            else if (Flags.Contains(body))
            {
                result.Add((body.ToLowerInvariant(), null));
            }
            else if (i + 1 < args.Count)
            {
                result.Add((body.ToLowerInvariant(), args[++i]));
            }
            else
            {
                throw new OptionsException($"Option --{body} needs a value.");
            }
        }

        return result;
    }

    private static void Apply(LoadTestOptions o, string name, string? value)
    {
        string V() => value ?? throw new OptionsException($"Option --{name} needs a value.");
        switch (name)
        {
            case "target": o.Target = ParseTarget(V()); break;
            case "generate-only": o.Target = TargetKind.None; break;
            case "mode": o.Mode = V().ToLowerInvariant() switch
            {
                "open-loop" or "open" => RunMode.OpenLoop,
                "find-max" or "findmax" => RunMode.FindMax,
                "journal-vs-baseline" => RunMode.JournalVsBaseline,
                "journal-size" => RunMode.JournalSize,
                "cluster-scale" => RunMode.ClusterScale,
                "cluster-kill" => RunMode.ClusterKill,
                "spread" => RunMode.Spread,
                _ => throw new OptionsException($"--mode must be open-loop, find-max, journal-vs-baseline, journal-size, cluster-scale, cluster-kill or spread, not '{value}'."),
            };
                break;
            case "url": o.Urls.Add(Uri.TryCreate(V(), UriKind.Absolute, out var url) ? url : throw new OptionsException($"--url '{value}' is not an absolute URL.")); break;
            case "retry-for": o.RetryFor = Time(name, V()); break;
            case "silos": o.Silos = (int)Number(name, V()); break;
            case "kill-at": o.KillAt = Time(name, V()); break;
            case "gateway": o.Gateways.Add(V()); break;
            case "service-id": o.ServiceId = V(); break;
            case "cluster-id": o.ClusterId = V(); break;
            case "persistence": o.Persistence = V() is "journal" or "per-signal" or "memory" ? V() : throw new OptionsException("--persistence must be journal, per-signal or memory."); break;
            case "connection-string": o.ConnectionString = V(); break;
            case "silo-log-level": o.SiloLogLevel = V(); break;
            case "silo-setting": o.SiloSettings.Add(V().Contains('=', StringComparison.Ordinal) ? V() : throw new OptionsException("--silo-setting takes Key=Value, e.g. ScoreGrains:SnapshotMinInterval=00:01:00.")); break;
            case "subjects": o.Subjects = (long)Number(name, V()); break;
            case "mix": o.KindMix = ParseMix(V()); break;
            case "skew": ParseSkew(o, V()); break;
            case "zipf": o.ZipfExponent = Number(name, V()); break;
            case "type-mix": o.TypeMix = V() is "realistic" or "uniform" ? V() : throw new OptionsException("--type-mix must be realistic or uniform."); break;
            case "late-share": o.LateShare = Number(name, V()); break;
            case "batch": o.BatchSize = (int)Number(name, V()); break;
            case "producers": o.Producers = (int)Number(name, V()); break;
            case "max-in-flight": o.MaxInFlight = (int)Number(name, V()); break;
            case "rate": o.Rate = V() is "max" ? 0 : Number(name, V()); break;
            case "ramp": o.Ramp = Time(name, V()); break;
            case "duration": o.Duration = Time(name, V()); break;
            case "count": o.Count = (long)Number(name, V()); break;
            case "drain-timeout": o.DrainTimeout = Time(name, V()); break;
            case "max-p99": o.MaxP99 = Time(name, V()); break;
            case "max-error-rate": o.MaxErrorRate = Number(name, V()); break;
            case "step-duration": o.StepDuration = Time(name, V()); break;
            case "step-factor": o.StepFactor = Number(name, V()); break;
            case "refinements": o.Refinements = (int)Number(name, V()); break;
            case "hold": o.Hold = Time(name, V()); break;
            case "no-latency-at-half": o.LatencyAtHalf = false; break;
            case "check": o.Check = true; break;
            case "index-after-load": o.IndexAfterLoad = true; break;
            case "cluster-after-load": o.ClusterAfterLoad = true; break;
            case "activate": o.Activate = true; break;
            case "activate-batch": o.ActivateBatch = (int)Number(name, V()); break;
            case "no-check": o.Check = false; break;
            case "yardstick": o.Yardstick = true; break;
            case "no-yardstick": o.Yardstick = false; break;
            case "yardstick-duration": o.YardstickDuration = Time(name, V()); break;
            case "measure-memory": o.MeasureMemory = true; break;
            case "run-id": o.RunId = V(); break;
            case "seed": o.Seed = (int)Number(name, V()); break;
            case "out": o.OutputDirectory = V(); break;
            case "models": o.ModelsDirectory = V(); break;
            case "progress-every": o.PlainProgressEvery = Time(name, V()); break;
            case "compare-rate": o.CompareRate = Number(name, V()); break;
            case "fixed-rate": o.FixedRate = Number(name, V()); break;
            case "journal-start-rate": o.JournalStartRate = Number(name, V()); break;
            case "saturate-at-rows": o.SaturateAtRows = (long)Number(name, V()); break;
            case "compare": o.CompareModes = [.. V().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)]; break;
            case "copy-connections": o.CopyConnections = (int)Number(name, V()); break;
            case "copy-batches": o.CopyBatches = [.. V().Split(',', StringSplitOptions.RemoveEmptyEntries).Select(b => (int)Number(name, b))]; break;
            case "spread-targets": o.SpreadTargets = [.. V().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(t => t.ToLowerInvariant())]; break;
            case "spread-few": o.SpreadFew = (long)Number(name, V()); break;
            case "spread-few-duration": o.SpreadFewDuration = Time(name, V()); break;
            case "spread-subjects": o.SpreadSubjects = (long)Number(name, V()); break;
            case "replay-samples": o.ReplaySamples = (int)Number(name, V()); break;
            default: throw new OptionsException($"Unknown option --{name}. Run with --help for the list.");
        }
    }

    private static void Validate(LoadTestOptions o)
    {
        Require(o.Subjects is >= 1 and <= 10_000_000, "--subjects must be between 1 and 10,000,000.");
        Require(o.BatchSize is >= 1 and <= 5_000, "--batch must be between 1 and 5,000 (the API's limit).");
        Require(o.Producers is >= 1 and <= 256, "--producers must be between 1 and 256.");
        Require(o.MaxInFlight >= o.Producers, "--max-in-flight must be at least --producers.");
        Require(o.Rate >= 0 && double.IsFinite(o.Rate), "--rate must be a non-negative number or 'max'.");
        Require(o.Duration > TimeSpan.Zero && o.Duration <= LoadTestOptions.MaxRunTime, $"--duration must be positive and at most {LoadTestOptions.MaxRunTime.TotalMinutes} minutes.");
        Require(o.Count is null or > 0, "--count must be positive.");
        Require(o.KindMix.Length == 3 && o.KindMix.All(m => m >= 0) && o.KindMix.Sum() > 0, "--mix needs three non-negative shares with a positive sum.");
        Require(o.HotFraction is > 0 and <= 1 && o.HotShare is >= 0 and <= 1, "--skew hotset:FRACTION:SHARE needs 0 < FRACTION <= 1 and 0 <= SHARE <= 1.");
        Require(o.ZipfExponent > 0, "--zipf must be positive.");
        Require(o.LateShare is >= 0 and <= 1, "--late-share must be between 0 and 1.");
        Require(o.StepFactor > 1, "--step-factor must be greater than 1.");
        Require(o.MaxErrorRate is >= 0 and <= 1, "--max-error-rate must be between 0 and 1.");
        Require(o.Mode != RunMode.FindMax || o.Rate > 0, "--mode find-max needs a positive starting --rate.");
        Require(o.Mode != RunMode.JournalVsBaseline || o.Rate > 0, "--mode journal-vs-baseline needs a positive starting --rate.");
        Require(o.CompareModes.All(m => m is "journal" or "per-signal" or "memory" or "copy"), "--compare takes journal, per-signal, memory and copy, comma-separated.");
        Require(o.CopyConnections is >= 1 and <= 64 && o.CopyBatches.Count > 0 && o.CopyBatches.All(b => b is >= 1 and <= 1_000_000), "--copy-connections 1-64, --copy-batches sizes 1-1,000,000.");
        Require(o.ReplaySamples is >= 1 and <= 1_000_000, "--replay-samples must be between 1 and 1,000,000.");
        Require(!(o.IndexAfterLoad || o.ClusterAfterLoad) || o.Mode == RunMode.JournalSize, "--index-after-load and --cluster-after-load are for --mode journal-size.");
        Require(o.Mode is not (RunMode.JournalVsBaseline or RunMode.JournalSize) || (o.Target == TargetKind.InProcess && o.ConnectionString is null),
            "the journal benchmarks start their own embedded PostgreSQL: --target inprocess, no --connection-string.");
        Require(!o.Check || o.Target != TargetKind.None, "--check needs a target to read scores from.");
        Require(!o.Check || o.Count is null or <= 5_000_000, "--check keeps every acknowledged signal in memory: use at most 5,000,000 signals.");
        Require(o.RunId is null || (o.RunId.Length <= 16 && o.RunId.All(c => char.IsAsciiLetterOrDigit(c))), "--run-id is 1-16 letters or digits.");
        Require(!o.Check || o.RetryFor == TimeSpan.Zero,
            "--check places each signal where its acknowledgement came, which a retried signal's 'duplicate' does not tell: with --retry-for, use --mode cluster-kill (it checks against the journal).");
        Require(o.RetryFor >= TimeSpan.Zero && o.RetryFor <= TimeSpan.FromMinutes(5), "--retry-for must be between 0 and 5 minutes.");
        Require(o.Mode is not (RunMode.ClusterScale or RunMode.ClusterKill) || o.ConnectionString is null,
            "the cluster scenarios start their own embedded PostgreSQL and silo processes: no --connection-string.");
        Require(o.Mode != RunMode.ClusterScale || o.Silos is >= 1 and <= 8, "--silos must be between 1 and 8 for cluster-scale.");
        Require(o.Mode != RunMode.ClusterKill || o.Silos is >= 2 and <= 8, "--silos must be between 2 and 8 for cluster-kill (one is killed, the others take its subjects).");
        Require(o.Mode != RunMode.ClusterKill || (o.KillAt > TimeSpan.Zero && o.KillAt < o.Duration), "--kill-at must lie within --duration.");
        Require(o.Mode != RunMode.ClusterKill || o.RetryFor > TimeSpan.Zero, "cluster-kill needs --retry-for above zero: its producers retry what the killed silo did not acknowledge.");
        Require(o.SpreadTargets.Count > 0 && o.SpreadTargets.All(t => t is "http" or "inprocess"), "--spread-targets takes http and inprocess, comma-separated.");
        Require(o.SpreadFew is >= 1 and <= 10_000_000, "--spread-few must be between 1 and 10,000,000.");
        Require(o.SpreadFewDuration is null || o.SpreadFewDuration > TimeSpan.Zero, "--spread-few-duration must be positive.");
        Require(o.SpreadSubjects is >= 0 and <= 10_000_000, "--spread-subjects must be between 0 (off) and 10,000,000.");
        Require(o.Mode != RunMode.Spread || o.ConnectionString is null,
            "spread starts its own embedded PostgreSQL for each silo (or sends to the silo at --url): no --connection-string.");
        Require(o.Mode != RunMode.Spread || !o.Check, "spread measures throughput only: no --check (the http scenario checks scores).");
        Require(o.Mode != RunMode.Spread || o.StepDuration > TimeSpan.Zero, "spread needs a positive --step-duration (the length of each stage).");
        foreach (var url in o.Urls)
        {
            Require(Loopback.IsLoopbackHost(url.Host), $"--url {url} is not a loopback address: this tool only sends to 127.0.0.0/8, ::1 or localhost.");
        }

        foreach (var gateway in o.Gateways)
        {
            Require(Loopback.IsLoopbackEndpoint(gateway), $"--gateway {gateway} is not a loopback ip:port: this tool only sends to 127.0.0.0/8 or ::1.");
        }
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new OptionsException(message);
        }
    }

    private static TargetKind ParseTarget(string text) => text.ToLowerInvariant() switch
    {
        "inprocess" or "in-process" => TargetKind.InProcess,
        "http" => TargetKind.Http,
        "client" or "orleans" => TargetKind.Client,
        "none" => TargetKind.None,
        _ => throw new OptionsException($"--target must be inprocess, http, client or none, not '{text}'."),
    };

    private static void ParseSkew(LoadTestOptions o, string text)
    {
        var parts = text.Split(':');
        switch (parts[0].ToLowerInvariant())
        {
            case "uniform": o.Skew = SkewKind.Uniform; break;
            case "sequential": o.Skew = SkewKind.Sequential; break;
            case "zipf":
                o.Skew = SkewKind.Zipf;
                if (parts.Length > 1)
                {
                    o.ZipfExponent = Number("skew", parts[1]);
                }

                break;
            case "hotset":
                o.Skew = SkewKind.HotSet;
                if (parts.Length > 1)
                {
                    o.HotFraction = Number("skew", parts[1]);
                }

                if (parts.Length > 2)
                {
                    o.HotShare = Number("skew", parts[2]);
                }

                break;
            default: throw new OptionsException($"--skew must be uniform, zipf[:EXPONENT], hotset[:FRACTION:SHARE] or sequential, not '{text}'.");
        }
    }

    private static double[] ParseMix(string text)
    {
        // citizen=80,company=15,official=5 or 80,15,5
        var mix = new double[3];
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < parts.Length; i++)
        {
            var kv = parts[i].Split('=');
            var index = kv.Length == 1 ? i : kv[0].ToLowerInvariant() switch
            {
                "citizen" => 0,
                "company" => 1,
                "official" => 2,
                _ => throw new OptionsException($"--mix: unknown kind '{kv[0]}'."),
            };
            if (index > 2)
            {
                throw new OptionsException("--mix has three shares: citizen, company, official.");
            }

            mix[index] = Number("mix", kv[^1]);
        }

        return mix;
    }

    internal static double Number(string name, string text)
    {
        var t = text.Replace("_", "", StringComparison.Ordinal).Trim().ToLowerInvariant();
        var factor = 1.0;
        if (t.EndsWith('k'))
        {
            (factor, t) = (1e3, t[..^1]);
        }
        else if (t.EndsWith('m'))
        {
            (factor, t) = (1e6, t[..^1]);
        }

        return double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value * factor
            : throw new OptionsException($"--{name}: '{text}' is not a number.");
    }

    internal static TimeSpan Time(string name, string text)
    {
        var t = text.Trim().ToLowerInvariant();
        (double factor, string digits) = t switch
        {
            _ when t.EndsWith("ms", StringComparison.Ordinal) => (0.001, t[..^2]),
            _ when t.EndsWith('s') => (1.0, t[..^1]),
            _ when t.EndsWith('m') => (60.0, t[..^1]),
            _ when t.EndsWith('h') => (3600.0, t[..^1]),
            _ => (1.0, t),
        };
        return double.TryParse(digits, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= 0 && double.IsFinite(value)
            ? TimeSpan.FromSeconds(value * factor)
            : throw new OptionsException($"--{name}: '{text}' is not a duration such as 500ms, 30s or 2m.");
    }
}
