namespace ScoreGrains.Scoring;

/// <summary>One dimension of a score.</summary>
/// <param name="Name">Dimension name from the model.</param>
/// <param name="Points">Raw (uncapped, decayed) dimension points.</param>
/// <param name="Cap">The largest |points| that counts.</param>
/// <param name="Weight">Score points per dimension point.</param>
/// <param name="Contribution">Score points this dimension adds (+) or removes (-): Weight x clamp(Points, -Cap, Cap).</param>
public sealed record DimensionScore(string Name, double Points, double Cap, double Weight, double Contribution);
