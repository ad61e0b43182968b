namespace ScoreGrains.Scoring;

/// <summary>A band: scores from <paramref name="Lower"/> (inclusive) up to the next band's lower bound (exclusive).</summary>
/// <param name="Name">Band name, e.g. <c>good</c> or <c>A</c>.</param>
/// <param name="Lower">Inclusive lower bound; the first band starts at the model's minimum score.</param>
public sealed record BandModel(string Name, double Lower);
