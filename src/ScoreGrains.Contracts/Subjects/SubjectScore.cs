namespace ScoreGrains.Contracts;

/// <summary>A subject's score, why it is what it is, and which model computed it.</summary>
/// <param name="Reasons">
/// The score's principal reasons (the FCRA's term for the key factors behind a score): at most
/// <see cref="PrincipalReasons"/> signals, largest |impact| first (equal impacts: the older first), each with a stable
/// code (<c>R-</c> + the signal type) and the model's plain-language text. Crossings carry the same list.
/// </param>
[GenerateSerializer, Immutable, Alias("ScoreGrains.SubjectScore")]
public sealed record SubjectScore(
    [property: Id(0)] string Kind,
    [property: Id(1)] string Id,
    [property: Id(2)] double Score,
    [property: Id(3)] string Band,
    [property: Id(4)] string ModelVersion,
    [property: Id(5)] long SignalCount,
    [property: Id(6)] IReadOnlyList<DimensionBreakdown> Dimensions,
    [property: Id(7)] IReadOnlyList<ScoreReason> Reasons)
{
    /// <summary>How many of the subject's disputes are open: while one is, the score is contested.</summary>
    [Id(8)]
    public int OpenDisputes { get; init; }

    /// <summary>How many principal reasons a read or a crossing names at most.</summary>
    public const int PrincipalReasons = 4;
}
