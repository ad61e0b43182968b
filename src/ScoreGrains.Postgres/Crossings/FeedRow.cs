using ScoreGrains.Postgres.Journal;

namespace ScoreGrains.Postgres.Crossings;

/// <summary>One row of the <c>crossings</c> table: the stored crossing and its global feed sequence.</summary>
public sealed record FeedRow(long Sequence, CrossingRecord Crossing);
