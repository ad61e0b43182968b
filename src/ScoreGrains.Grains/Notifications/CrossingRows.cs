using System.Text.Json;
using ScoreGrains.Contracts;
using ScoreGrains.Postgres.Crossings;

namespace ScoreGrains.Grains.Notifications;

/// <summary>Turns rows of the durable feed into <see cref="Crossing"/> records.</summary>
public static class CrossingRows
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static Crossing ToCrossing(this FeedRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var record = row.Crossing;
        var (kind, id) = SubjectKey.Parse(record.SubjectKey);
        var reasons = JsonSerializer.Deserialize<List<ScoreReason>>(record.ReasonsJson, Json) ?? [];
        return new Crossing(
            row.Sequence,
            kind,
            id,
            record.OldScore,
            record.NewScore,
            record.OldBand,
            record.NewBand,
            record.ModelVersion,
            record.SignalId,
            record.SignalType,
            reasons,
            record.OccurredAt,
            record.RecordedAt);
    }

    /// <summary>The reasons as the <c>crossings.reasons</c> column stores them.</summary>
    public static string ReasonsToJson(IReadOnlyList<ScoreReason> reasons) => JsonSerializer.Serialize(reasons, Json);

    /// <summary>The durable-feed query for <paramref name="filter"/>.</summary>
    public static CrossingQuery ToQuery(this CrossingFilter filter, long after, int limit, long? upTo = null)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return new CrossingQuery(after, limit, upTo, filter.Kind, filter.Subjects, filter.Bands);
    }
}
