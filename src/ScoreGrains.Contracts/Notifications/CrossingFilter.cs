namespace ScoreGrains.Contracts;

/// <summary>Which crossings a subscriber wants: of one kind, of some subjects (<c>kind/id</c>), into some bands.
/// Empty or null parts match everything.</summary>
[GenerateSerializer, Immutable, Alias("ScoreGrains.CrossingFilter")]
public sealed record CrossingFilter(
    [property: Id(0)] string? Kind = null,
    [property: Id(1)] IReadOnlyList<string>? Subjects = null,
    [property: Id(2)] IReadOnlyList<string>? Bands = null)
{
    /// <summary>Everything.</summary>
    public static CrossingFilter All { get; } = new();

    /// <summary>True when <paramref name="crossing"/> passes every part of the filter.</summary>
    public bool Matches(Crossing crossing)
    {
        ArgumentNullException.ThrowIfNull(crossing);
        return (Kind is null || string.Equals(Kind, crossing.Kind, StringComparison.Ordinal))
            && (Bands is not { Count: > 0 } || Bands.Contains(crossing.NewBand, StringComparer.Ordinal))
            && (Subjects is not { Count: > 0 } || Subjects.Contains(SubjectKey.Format(crossing.Kind, crossing.Id), StringComparer.Ordinal));
    }
}
