namespace ScoreGrains.Scoring;

// The model file as written, before validation. Everything is nullable so ScoringModelParser can
// name each missing field itself instead of surfacing a generic serializer message.
// These five small shapes live together because they are one file format.
internal sealed class ModelDocument
{
    public string? Kind { get; set; }
    public string? Version { get; set; }
    public string? Description { get; set; }
    public double? MinScore { get; set; }
    public double? MaxScore { get; set; }
    public double? StartScore { get; set; }
    public double? Hysteresis { get; set; }
    public double? DisputeDays { get; set; }
    public List<string?>? Contexts { get; set; }
    public List<DimensionDocument?>? Dimensions { get; set; }
    public List<RuleDocument?>? Rules { get; set; }
    public List<BandDocument?>? Bands { get; set; }
}

internal sealed class DimensionDocument
{
    public string? Name { get; set; }
    public string? Description { get; set; }
    public double? Weight { get; set; }
    public double? Cap { get; set; }
    public double? HalfLifeDays { get; set; }
    public double? NegativeExpiryDays { get; set; }
}

internal sealed class RuleDocument
{
    public string? Type { get; set; }
    public string? Dimension { get; set; }
    public string? Context { get; set; }
    public string? Description { get; set; }
    public double? Points { get; set; }
    public double? PerUnit { get; set; }
    public ValueDocument? Value { get; set; }
    public double? MaxPoints { get; set; }
}

internal sealed class ValueDocument
{
    public bool? Required { get; set; }
    public double? Min { get; set; }
    public double? Max { get; set; }
}

internal sealed class BandDocument
{
    public string? Name { get; set; }
    public double? Lower { get; set; }
}
