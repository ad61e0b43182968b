using System.Text.Json.Serialization;

namespace ScoreGrains.Scoring;

/// <summary>
/// The mutable per-subject state the engine folds signals into. Plain settable properties so it round-trips
/// through System.Text.Json with default options; doubles are written shortest-round-trip and time is kept as
/// integer ticks, so a deserialized sheet continues the fold bit for bit. Lists are created on first use and
/// bounded (<see cref="MaxNegativeRecords"/>, <see cref="MaxImpacts"/>) to keep a subject within a few KB.
/// </summary>
public sealed class ScoreSheet
{
    /// <summary>Most negative records kept per subject; beyond it the two closest in the same dimension merge.</summary>
    public const int MaxNegativeRecords = 32;

    /// <summary>Most signal impacts kept for explanations.</summary>
    public const int MaxImpacts = 6;

    /// <summary>Version of the model this sheet was folded with; another version needs a replay.</summary>
    public string ModelVersion { get; set; } = "";

    /// <summary>Current score, within the model's [MinScore, MaxScore].</summary>
    public double Score { get; set; }

    /// <summary>Current band, with hysteresis applied.</summary>
    public string Band { get; set; } = "";

    /// <summary>Signals folded so far.</summary>
    public long SignalCount { get; set; }

    /// <summary>Event-time clock: UTC ticks of the latest occurredAt (or clock advance) seen; 0 = none yet.</summary>
    public long ClockTicks { get; set; }

    /// <summary>Raw (uncapped, decayed) points per dimension, in model order.</summary>
    public double[] Points { get; set; } = [];

    /// <summary>Adverse records that will expire; null until the first one.</summary>
    public List<NegativeRecord>? Negatives { get; set; }

    /// <summary>Largest signal impacts still in effect, unordered; null until the first one.</summary>
    public List<ImpactRecord>? Impacts { get; set; }

    /// <summary>The event-time clock as a timestamp; null before the first signal.</summary>
    [JsonIgnore]
    public DateTimeOffset? Clock => ClockTicks == 0 ? null : new DateTimeOffset(ClockTicks, TimeSpan.Zero);

    /// <summary>An independent copy, for views that move the clock without changing the subject (reads as of now).</summary>
    public ScoreSheet Copy() => new()
    {
        ModelVersion = ModelVersion,
        Score = Score,
        Band = Band,
        SignalCount = SignalCount,
        ClockTicks = ClockTicks,
        Points = (double[])Points.Clone(),
        Negatives = Negatives is null ? null : [.. Negatives],
        Impacts = Impacts is null ? null : [.. Impacts],
    };

    /// <summary>A fresh sheet at the model's start score (about 150 bytes: this object and one double per dimension).</summary>
    public static ScoreSheet Start(ScoringModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new ScoreSheet
        {
            ModelVersion = model.Version,
            Score = model.StartScore,
            Band = model.StartBand,
            Points = new double[model.Dimensions.Count],
        };
    }
}
