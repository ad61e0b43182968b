namespace ScoreGrains.Scoring;

/// <summary>One dimension of a model: its weight, cap, decay and retention of negative records.</summary>
public sealed class DimensionModel
{
    internal DimensionModel(int index, string name, string description, double weight, double cap, double? halfLifeDays, double? negativeExpiryDays)
    {
        Index = index;
        Name = name;
        Description = description;
        Weight = weight;
        Cap = cap;
        HalfLifeDays = halfLifeDays;
        NegativeExpiryDays = negativeExpiryDays;
        HalfLifeTicks = DaysToTicks(halfLifeDays);
        NegativeExpiryTicks = DaysToTicks(negativeExpiryDays);
    }

    /// <summary>Position in <see cref="ScoringModel.Dimensions"/> and in <see cref="ScoreSheet.Points"/>.</summary>
    public int Index { get; }

    /// <summary>Name, e.g. <c>credit_history</c>.</summary>
    public string Name { get; }

    /// <summary>Human description for explanations.</summary>
    public string Description { get; }

    /// <summary>Score points per dimension point.</summary>
    public double Weight { get; }

    /// <summary>The largest |points| that counts towards the score; raw points beyond it are kept but ignored.</summary>
    public double Cap { get; }

    /// <summary>Points halve toward zero every this many days of event time; null = no decay.</summary>
    public double? HalfLifeDays { get; }

    /// <summary>A negative record stops counting this many days after it occurred ("credit repair"); null = never.</summary>
    public double? NegativeExpiryDays { get; }

    /// <summary>Half-life in ticks, 0 = none; integer so elapsed time never goes through floating point.</summary>
    internal long HalfLifeTicks { get; }

    /// <summary>Negative-record retention in ticks, 0 = forever.</summary>
    internal long NegativeExpiryTicks { get; }

    private static long DaysToTicks(double? days) =>
        days is { } d ? (long)Math.Round(d * TimeSpan.TicksPerDay, MidpointRounding.ToEven) : 0;
}
