using CsCheck;

namespace ScoreGrains.Scoring.Tests;

/// <summary>Random valid signal sequences for a model: every type, values at and between the rule's bounds, times out of order.</summary>
internal static class SignalGen
{
    private static readonly long TenYears = TimeSpan.FromDays(3650).Ticks;

    public static Gen<ScoringSignal[]> For(ScoringModel model, int maxLength = 80)
    {
        var rules = model.SignalTypes.Order(StringComparer.Ordinal).Select(t => model.TryGetRule(t, out var r) ? r : null!).ToArray();
        var fraction = Gen.Frequency((4, Gen.Double[0, 1]), (1, Gen.Const(0.0)), (1, Gen.Const(1.0)));
        var one = Gen.Select(Gen.Int[0, rules.Length - 1], fraction, Gen.Long[0, TenYears], Gen.Bool, (r, f, ticks, withValue) =>
        {
            var rule = rules[r];
            var value = rule.ValueMin is { } min && rule.ValueMax is { } max && (withValue || rule.ValueRequired)
                ? min + (f * (max - min))
                : (double?)null;
            return new ScoringSignal($"s-{ticks}", rule.Type, value, TestModel.T0.AddTicks(ticks));
        });
        return one.Array[1, maxLength];
    }
}
