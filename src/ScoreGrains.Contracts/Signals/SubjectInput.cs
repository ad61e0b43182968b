namespace ScoreGrains.Contracts;

/// <summary>A subject reference as sent by a producer: <c>kind</c> (citizen | company | official) and <c>id</c>.</summary>
[GenerateSerializer, Immutable, Alias("ScoreGrains.SubjectInput")]
public sealed record SubjectInput
{
    [Id(0)] public string? Kind { get; init; }

    [Id(1)] public string? Id { get; init; }
}
