using ScoreGrains.Contracts;
using ScoreGrains.Scoring;

namespace ScoreGrains.Benchmarks;

/// <summary>A fixed, seeded mix of valid signals for one subject kind, as the load tester sends them.</summary>
internal static class SampleSignals
{
    public static ModelCatalog Models { get; } = ModelCatalog.LoadDirectory(Path.Combine(AppContext.BaseDirectory, "models"));

    public static ScoringSignal[] Scoring(ScoringModel model, int count)
    {
        var random = new Random(42);
        var types = model.SignalTypes.Order(StringComparer.Ordinal).ToArray();
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        return [.. Enumerable.Range(0, count).Select(i =>
        {
            var type = types[random.Next(types.Length)];
            model.TryGetRule(type, out var rule);
            double? value = rule!.ValueRequired || rule.PerUnit is not null ? (rule.ValueMin ?? 0) + random.Next(1, 20) : null;
            // Mostly in order, one in ten up to a year late: the load tester's mix.
            var at = random.Next(10) == 0 ? start.AddMinutes(i).AddDays(-random.Next(365)) : start.AddMinutes(i);
            return new ScoringSignal($"bench-{i}", type, value, at);
        })];
    }

    public static List<SignalInput> Inputs(int count)
    {
        var model = Models.For(SubjectKind.Citizen);
        return [.. Scoring(model, count).Select((s, i) => new SignalInput
        {
            SignalId = s.SignalId,
            Subject = new SubjectInput { Kind = "citizen", Id = $"run42-{i * 7919 % 100_000}" },
            Type = s.Type,
            Value = s.Value,
            OccurredAt = s.OccurredAt,
            Source = "loadtest",
        })];
    }
}
