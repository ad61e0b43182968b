using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace ScoreGrains.Scoring;

/// <summary>Turns model JSON into a validated <see cref="ScoringModel"/>; every error names its JSON path.</summary>
internal static partial class ScoringModelParser
{
    /// <summary>Bounds every model number so sums of many signals stay finite (no ∞, hence no NaN).</summary>
    internal const double MaxMagnitude = 1e9;

    /// <summary>Caps decay and retention at 100 years so tick arithmetic cannot overflow.</summary>
    internal const double MaxDays = 36_500;

    /// <summary>Keeps per-dimension work on the stack and the sheet small.</summary>
    internal const int MaxDimensions = 16;

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
    };

    public static ScoringModel Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        ModelDocument? doc;
        try
        {
            doc = JsonSerializer.Deserialize<ModelDocument>(json, Options);
        }
        catch (JsonException e)
        {
            throw new ScoringModelException($"Model JSON is invalid at '{e.Path ?? "$"}': {e.Message}", e) { Field = e.Path ?? "$" };
        }

        if (doc is null)
        {
            throw new ScoringModelException("Model JSON is null.") { Field = "$" };
        }

        return Build(doc);
    }

    private static ScoringModel Build(ModelDocument doc)
    {
        if (!SubjectKinds.TryParse(doc.Kind, out var kind))
        {
            throw Error("kind", $"must be \"citizen\", \"company\" or \"official\", got {Quote(doc.Kind)}");
        }

        var version = Text(doc.Version, "version");
        var min = Number(doc.MinScore, "minScore");
        var max = Number(doc.MaxScore, "maxScore");
        if (!(min < max))
        {
            throw Error("maxScore", $"must be greater than minScore ({min})");
        }

        var start = Number(doc.StartScore, "startScore");
        if (start < min || start > max)
        {
            throw Error("startScore", $"must lie within [{min}, {max}]");
        }

        var hysteresis = Number(doc.Hysteresis ?? 0, "hysteresis");
        if (hysteresis < 0)
        {
            throw Error("hysteresis", "must not be negative");
        }

        var disputeDays = OptionalDays(doc.DisputeDays, "disputeDays") ?? ScoringModel.DefaultDisputeDays;
        var contexts = Contexts(doc.Contexts);
        var dimensions = Dimensions(doc.Dimensions);
        var rules = Rules(doc.Rules, dimensions, contexts);
        var bands = Bands(doc.Bands, min, max);
        return new ScoringModel(kind, version, doc.Description ?? "", min, max, start, hysteresis, TimeSpan.FromDays(disputeDays), contexts, dimensions, rules, bands);
    }

    private static List<string> Contexts(List<string?>? items)
    {
        var result = new List<string>();
        foreach (var (item, path) in Items(items, "contexts"))
        {
            var name = Identifier(item, path);
            if (result.Contains(name))
            {
                throw Error(path, $"duplicates context \"{name}\"");
            }

            result.Add(name);
        }

        return result;
    }

    private static List<DimensionModel> Dimensions(List<DimensionDocument?>? items)
    {
        var result = new List<DimensionModel>();
        foreach (var (item, path) in Items(items, "dimensions"))
        {
            var name = Identifier(item.Name, path + ".name");
            if (result.Exists(d => d.Name == name))
            {
                throw Error(path + ".name", $"duplicates dimension \"{name}\"");
            }

            var weight = Positive(item.Weight, path + ".weight");
            var cap = Positive(item.Cap, path + ".cap");
            var halfLife = OptionalDays(item.HalfLifeDays, path + ".halfLifeDays");
            var expiry = OptionalDays(item.NegativeExpiryDays, path + ".negativeExpiryDays");
            result.Add(new DimensionModel(result.Count, name, item.Description ?? name, weight, cap, halfLife, expiry));
        }

        if (result.Count > MaxDimensions)
        {
            throw Error("dimensions", $"has {result.Count} entries; at most {MaxDimensions} are allowed");
        }

        return result;
    }

    private static List<SignalRule> Rules(List<RuleDocument?>? items, List<DimensionModel> dimensions, List<string> contexts)
    {
        var result = new List<SignalRule>();
        foreach (var (item, path) in Items(items, "rules"))
        {
            var type = Text(item.Type, path + ".type");
            if (!SignalTypePattern().IsMatch(type))
            {
                throw Error(path + ".type", $"\"{type}\" must be lower-case words joined by dots, e.g. payment.on_time");
            }

            if (result.Exists(r => r.Type == type))
            {
                throw Error(path + ".type", $"duplicates rule for \"{type}\"");
            }

            var dimensionName = Text(item.Dimension, path + ".dimension");
            var dimension = dimensions.Find(d => d.Name == dimensionName)
                ?? throw Error(path + ".dimension", $"names unknown dimension \"{dimensionName}\"");
            var context = Text(item.Context, path + ".context");
            if (!contexts.Contains(context))
            {
                throw Error(path + ".context", $"\"{context}\" is not one of the model's contexts [{string.Join(", ", contexts)}]; no cross-context scoring");
            }

            var description = Text(item.Description, path + ".description");
            var points = Number(item.Points ?? 0, path + ".points");
            var perUnit = item.PerUnit is { } pu ? Number(pu, path + ".perUnit") : (double?)null;
            var value = Value(item.Value, perUnit is not null, path + ".value");
            var maxPoints = item.MaxPoints is { } mp ? Positive(mp, path + ".maxPoints") : (double?)null;
            result.Add(new SignalRule(type, dimension, context, description, points, perUnit, value, maxPoints));
        }

        return result;
    }

    private static SignalRule.ValueRange? Value(ValueDocument? doc, bool hasPerUnit, string path)
    {
        if (doc is null)
        {
            return hasPerUnit ? throw Error(path, "is required when perUnit is set (give min and max)") : null;
        }

        var min = doc.Min is { } lo ? Number(lo, path + ".min") : (double?)null;
        var max = doc.Max is { } hi ? Number(hi, path + ".max") : (double?)null;
        if (hasPerUnit && (min is null || max is null))
        {
            // perUnit x value must be bounded, or one signal could carry any weight.
            throw Error(path, "needs both min and max when perUnit is set");
        }

        if (min > max)
        {
            throw Error(path + ".max", $"must not be below min ({min})");
        }

        return new SignalRule.ValueRange(doc.Required ?? false, min, max);
    }

    private static List<BandModel> Bands(List<BandDocument?>? items, double min, double max)
    {
        var result = new List<BandModel>();
        foreach (var (item, path) in Items(items, "bands"))
        {
            var name = Text(item.Name, path + ".name");
            var lower = Number(item.Lower, path + ".lower");
            if (result.Exists(b => b.Name == name))
            {
                throw Error(path + ".name", $"duplicates band \"{name}\"");
            }

            if (result.Count == 0 && lower != min)
            {
                throw Error(path + ".lower", $"the first band must start at minScore ({min}) so every score has a band");
            }

            if (result.Count > 0 && !(lower > result[^1].Lower))
            {
                throw Error(path + ".lower", $"must be above the previous band's lower bound ({result[^1].Lower}); bands are ordered low to high and may not overlap");
            }

            if (lower > max)
            {
                throw Error(path + ".lower", $"must not exceed maxScore ({max})");
            }

            result.Add(new BandModel(name, lower));
        }

        return result;
    }

    private static IEnumerable<(T Item, string Path)> Items<T>(List<T?>? items, string path)
        where T : class
    {
        if (items is null || items.Count == 0)
        {
            throw Error(path, "must have at least one entry");
        }

        for (var i = 0; i < items.Count; i++)
        {
            yield return (items[i] ?? throw Error($"{path}[{i}]", "must not be null"), $"{path}[{i}]");
        }
    }

    private static string Text(string? value, string path) =>
        string.IsNullOrWhiteSpace(value) ? throw Error(path, "is required") : value;

    private static string Identifier(string? value, string path)
    {
        var text = Text(value, path);
        return IdentifierPattern().IsMatch(text) ? text : throw Error(path, $"\"{text}\" must be lower-case letters, digits and underscores");
    }

    private static double Number(double? value, string path)
    {
        if (value is not { } v)
        {
            throw Error(path, "is required");
        }

        return double.IsFinite(v) && Math.Abs(v) <= MaxMagnitude ? v : throw Error(path, $"must be a finite number within ±{MaxMagnitude:G}");
    }

    private static double Positive(double? value, string path) =>
        Number(value, path) is var v && v > 0 ? v : throw Error(path, "must be greater than zero");

    private static double? OptionalDays(double? value, string path) => value switch
    {
        null => null,
        var v when Number(v, path) > 0 && v <= MaxDays => v,
        _ => throw Error(path, $"must be null or within (0, {MaxDays}] days"),
    };

    private static string Quote(string? text) => text is null ? "null" : $"\"{text}\"";

    private static ScoringModelException Error(string path, string problem) => new($"Model field '{path}' {problem}.") { Field = path };

    [GeneratedRegex("^[a-z0-9_]+(\\.[a-z0-9_]+)*$")]
    private static partial Regex SignalTypePattern();

    [GeneratedRegex("^[a-z0-9_]+$")]
    private static partial Regex IdentifierPattern();
}
