namespace ScoreGrains.Contracts;

/// <summary>
/// The answer to an erasure: the tombstone it left (no personal data: the SHA-256 of the subject key, when, who asked)
/// and how much it removed. <see cref="Erased"/> is false when nothing was held about the subject.
/// </summary>
[GenerateSerializer, Immutable, Alias("ScoreGrains.ErasureReceipt")]
public sealed record ErasureReceipt(
    [property: Id(0)] bool Erased,
    [property: Id(1)] string KeySha256,
    [property: Id(2)] DateTimeOffset ErasedAt,
    [property: Id(3)] string ErasedBy,
    [property: Id(4)] long JournalRows,
    [property: Id(5)] long Crossings);
