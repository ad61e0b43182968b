namespace ScoreGrains.Contracts;

/// <summary>
/// What a silo hands a kind's feed: its newest crossings of that kind, and, when its own bounded queue
/// overflowed, <see cref="LostAfter"/>: live crossings after that sequence were not pushed and must be read
/// from the durable feed.
/// </summary>
[GenerateSerializer, Immutable, Alias("ScoreGrains.CrossingBatch")]
public sealed record CrossingBatch(
    [property: Id(0)] IReadOnlyList<Crossing> Crossings,
    [property: Id(1)] long? LostAfter = null);
