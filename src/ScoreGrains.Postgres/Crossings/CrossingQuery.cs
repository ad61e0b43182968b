namespace ScoreGrains.Postgres.Crossings;

/// <summary>
/// A page of the durable crossing feed: crossings with <c>After &lt; sequence &lt;= UpTo</c>, in sequence order,
/// optionally only of one kind, of some subjects (<c>kind/id</c> keys) or into some bands.
/// </summary>
public sealed record CrossingQuery(
    long After,
    int Limit,
    long? UpTo = null,
    string? Kind = null,
    IReadOnlyList<string>? Subjects = null,
    IReadOnlyList<string>? Bands = null);
