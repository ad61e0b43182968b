namespace ScoreGrains.Scoring;

/// <summary>One of a sheet's largest signal impacts still in effect; the raw material of reason codes.</summary>
/// <param name="SignalId">The signal's id.</param>
/// <param name="Type">The signal's type.</param>
/// <param name="Dimension">Index of the dimension it moved.</param>
/// <param name="Impact">Score points (weight x points, before the dimension cap), decayed like its dimension.</param>
/// <param name="ExpiresAtTicks">UTC ticks at which it stops counting; 0 = never.</param>
public record struct ImpactRecord(string SignalId, string Type, int Dimension, double Impact, long ExpiresAtTicks);
