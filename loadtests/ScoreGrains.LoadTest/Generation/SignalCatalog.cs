using ScoreGrains.Scoring;

namespace ScoreGrains.LoadTest.Generation;

/// <summary>
/// The signal types of each kind's model with their frequencies. <c>realistic</c>: positive facts (payments on
/// time, taxes paid) are common and adverse records rare, the heavier the rarer; <c>uniform</c>: all equal.
/// </summary>
public sealed class SignalCatalog
{
    private readonly SignalKind[][] _kinds;
    private readonly double[][] _cumulative;

    private SignalCatalog(SignalKind[][] kinds)
    {
        _kinds = kinds;
        _cumulative = [.. kinds.Select(Cumulative)];
    }

    public ModelCatalog Models { get; private init; } = null!;

    public static SignalCatalog From(ModelCatalog models, string typeMix)
    {
        var kinds = new SignalKind[3][];
        foreach (var model in models.Models)
        {
            var index = SubjectSpace.Kinds.ToList().IndexOf(SubjectKinds.ToKey(model.Kind));
            kinds[index] = [.. model.SignalTypes.Order(StringComparer.Ordinal).Select(type =>
            {
                model.TryGetRule(type, out var rule);
                return KindOf(rule!, typeMix);
            })];
        }

        return new SignalCatalog(kinds) { Models = models };
    }

    public IReadOnlyList<SignalKind> For(int kind) => _kinds[kind];

    public SignalKind Pick(int kind, Random random)
    {
        var cumulative = _cumulative[kind];
        var x = random.NextDouble() * cumulative[^1];
        var i = Array.BinarySearch(cumulative, x);
        return _kinds[kind][Math.Min(i < 0 ? ~i : i, cumulative.Length - 1)];
    }

    private static SignalKind KindOf(SignalRule rule, string typeMix)
    {
        var weight = typeMix == "uniform" ? 1.0 : rule.Points switch
        {
            > 0 => 10.0,
            0 => 3.0,
            > -10 => 2.0,
            > -30 => 0.5,
            _ => 0.1,
        };
        var needsValue = rule.ValueRequired || rule.PerUnit is not null;
        var min = rule.ValueMin ?? 0;
        var max = rule.ValueMax ?? min + 40;
        var span = (int)Math.Clamp(Math.Floor(max - Math.Ceiling(min)), 0, 40);
        return new SignalKind(rule.Type, weight, needsValue, Math.Ceiling(min), span);
    }

    private static double[] Cumulative(SignalKind[] kinds)
    {
        var result = new double[kinds.Length];
        var sum = 0.0;
        for (var i = 0; i < kinds.Length; i++)
        {
            sum += kinds[i].Weight;
            result[i] = sum;
        }

        return result;
    }
}
