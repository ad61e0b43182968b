namespace ScoreGrains.Contracts;

/// <summary>A page of the durable crossing feed; continue with <c>after = </c><see cref="Next"/>.</summary>
[GenerateSerializer, Immutable, Alias("ScoreGrains.CrossingPage")]
public sealed record CrossingPage(
    [property: Id(0)] IReadOnlyList<Crossing> Crossings,
    [property: Id(1)] long Next);
