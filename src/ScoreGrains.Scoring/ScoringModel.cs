using System.Diagnostics.CodeAnalysis;

namespace ScoreGrains.Scoring;

/// <summary>
/// A versioned scoring model for one subject kind, loaded from JSON (see cluster-config/models/README.md).
/// Immutable after load, so one instance is shared by every subject and thread.
/// </summary>
public sealed class ScoringModel
{
    private readonly Dictionary<string, SignalRule> _rules;

    internal ScoringModel(
        SubjectKind kind,
        string version,
        string description,
        double minScore,
        double maxScore,
        double startScore,
        double hysteresis,
        TimeSpan disputePeriod,
        IReadOnlyList<string> contexts,
        IReadOnlyList<DimensionModel> dimensions,
        IReadOnlyList<SignalRule> rules,
        IReadOnlyList<BandModel> bands)
    {
        Kind = kind;
        Version = version;
        Description = description;
        MinScore = minScore;
        MaxScore = maxScore;
        StartScore = startScore;
        Hysteresis = hysteresis;
        DisputePeriod = disputePeriod;
        Contexts = contexts;
        Dimensions = dimensions;
        Bands = bands;
        _rules = rules.ToDictionary(r => r.Type, StringComparer.Ordinal);
        StartBand = BandFor(startScore);
    }

    /// <summary>The subject kind this model scores.</summary>
    public SubjectKind Kind { get; }

    /// <summary>Model version, e.g. <c>citizen-2026.1</c>; stored in every sheet.</summary>
    public string Version { get; }

    /// <summary>Free text about the model.</summary>
    public string Description { get; }

    /// <summary>Lowest possible score.</summary>
    public double MinScore { get; }

    /// <summary>Highest possible score.</summary>
    public double MaxScore { get; }

    /// <summary>Score of a subject with no signals.</summary>
    public double StartScore { get; }

    /// <summary>Score points a subject must move beyond its band's edge before it leaves the band.</summary>
    public double Hysteresis { get; }

    /// <summary>
    /// How long a dispute of one of this kind's signals may stay open before it is overdue (the model's
    /// <c>disputeDays</c>, default <see cref="DefaultDisputeDays"/>: the FCRA's 30 days to answer a dispute).
    /// </summary>
    public TimeSpan DisputePeriod { get; }

    /// <summary><see cref="DisputePeriod"/> when the model names none, in days.</summary>
    public const double DefaultDisputeDays = 30;

    /// <summary>Signal contexts this model may use; every rule belongs to one of them.</summary>
    public IReadOnlyList<string> Contexts { get; }

    /// <summary>Dimensions in sheet order.</summary>
    public IReadOnlyList<DimensionModel> Dimensions { get; }

    /// <summary>Bands ordered low to high.</summary>
    public IReadOnlyList<BandModel> Bands { get; }

    /// <summary>Band of <see cref="StartScore"/>.</summary>
    public string StartBand { get; }

    /// <summary>Signal types this model scores.</summary>
    public IEnumerable<string> SignalTypes => _rules.Keys;

    /// <summary>Parses and validates model JSON; throws <see cref="ScoringModelException"/> naming the bad field.</summary>
    public static ScoringModel Parse(string json) => ScoringModelParser.Parse(json);

    /// <summary>Finds the rule for a signal type (ordinal, case-sensitive).</summary>
    public bool TryGetRule(string signalType, [MaybeNullWhen(false)] out SignalRule rule) =>
        _rules.TryGetValue(signalType, out rule);

    /// <summary>The band containing <paramref name="score"/>, without hysteresis.</summary>
    public string BandFor(double score) => Bands[BandIndexFor(score)].Name;

    /// <summary>
    /// The band after moving to <paramref name="score"/> from <paramref name="currentBand"/>. The subject leaves
    /// its band only when the score is at least <see cref="Hysteresis"/> points above the next band's lower bound,
    /// or more than <see cref="Hysteresis"/> points below its own lower bound; it then lands in
    /// <see cref="BandFor"/>(score), possibly several bands away. With hysteresis 0 this equals <see cref="BandFor"/>.
    /// An unknown current band (e.g. from another model version) yields <see cref="BandFor"/>(score).
    /// </summary>
    public string NextBand(string currentBand, double score)
    {
        var current = IndexOfBand(currentBand);
        if (current < 0)
        {
            return BandFor(score);
        }

        var lower = Bands[current].Lower;
        var upper = current + 1 < Bands.Count ? Bands[current + 1].Lower : double.PositiveInfinity;
        var stays = score >= lower - Hysteresis && score < upper + Hysteresis;
        return stays ? Bands[current].Name : BandFor(score);
    }

    internal int BandIndexFor(double score)
    {
        var index = 0;
        for (var i = 1; i < Bands.Count && score >= Bands[i].Lower; i++)
        {
            index = i;
        }

        return index;
    }

    private int IndexOfBand(string name)
    {
        for (var i = 0; i < Bands.Count; i++)
        {
            if (string.Equals(Bands[i].Name, name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
