namespace ScoreGrains.Scoring;

/// <summary>How one signal type moves one dimension.</summary>
public sealed class SignalRule
{
    internal SignalRule(string type, DimensionModel dimension, string context, string description, double points, double? perUnit, ValueRange? value, double? maxPoints)
    {
        Type = type;
        Dimension = dimension.Name;
        DimensionIndex = dimension.Index;
        Context = context;
        Description = description;
        Points = points;
        PerUnit = perUnit;
        ValueRequired = value?.Required ?? false;
        ValueMin = value?.Min;
        ValueMax = value?.Max;
        MaxPoints = maxPoints;
        ReasonCode = "R-" + type;
    }

    /// <summary>Signal type, e.g. <c>volunteer.hours</c>.</summary>
    public string Type { get; }

    /// <summary>Name of the dimension this rule moves.</summary>
    public string Dimension { get; }

    /// <summary>Index of that dimension in <see cref="ScoringModel.Dimensions"/>.</summary>
    public int DimensionIndex { get; }

    /// <summary>The signal context (payments, tax, court, ...); always one the model allows.</summary>
    public string Context { get; }

    /// <summary>Human description used for reason codes.</summary>
    public string Description { get; }

    /// <summary>Dimension points per signal (negative = adverse).</summary>
    public double Points { get; }

    /// <summary>Extra dimension points per unit of the signal's value; null = value ignored.</summary>
    public double? PerUnit { get; }

    /// <summary>Whether a signal without a value is rejected.</summary>
    public bool ValueRequired { get; }

    /// <summary>Smallest accepted value, if any.</summary>
    public double? ValueMin { get; }

    /// <summary>Largest accepted value, if any.</summary>
    public double? ValueMax { get; }

    /// <summary>Largest |points| one signal may add; null = only the dimension cap limits it.</summary>
    public double? MaxPoints { get; }

    /// <summary>"R-" + <see cref="Type"/>, precomputed so explanations do not concatenate.</summary>
    public string ReasonCode { get; }

    /// <summary>Points for one signal: Points + PerUnit x value, limited to ±MaxPoints and ±<paramref name="dimensionCap"/>.</summary>
    public double PointsFor(double? value, double dimensionCap)
    {
        var points = Points;
        if (PerUnit is { } perUnit && value is { } v)
        {
            points += perUnit * v;
        }

        var limit = MaxPoints is { } max ? Math.Min(max, dimensionCap) : dimensionCap;
        return Math.Clamp(points, -limit, limit);
    }

    internal sealed record ValueRange(bool Required, double? Min, double? Max);
}
