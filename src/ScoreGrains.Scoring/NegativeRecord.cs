namespace ScoreGrains.Scoring;

/// <summary>
/// An adverse signal still held in a dimension, so it can be subtracted exactly when it expires.
/// A struct with settable members so a sheet's list is one compact array and round-trips through JSON.
/// </summary>
/// <param name="Dimension">Index of the dimension it sits in.</param>
/// <param name="ExpiresAtTicks">UTC ticks of event time at which it stops counting.</param>
/// <param name="Points">Its current (decayed) dimension points; always negative.</param>
public record struct NegativeRecord(int Dimension, long ExpiresAtTicks, double Points);
