namespace ScoreGrains.LoadTest.Options;

/// <summary>A named set of options.</summary>
public sealed record Scenario(string Name, string Description, IReadOnlyList<string> Arguments);
