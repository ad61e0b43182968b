namespace ScoreGrains.LoadTest.Generation;

/// <summary>One signal type the generator sends, with a value range that passes the model's rule.</summary>
/// <param name="Type">The signal type.</param>
/// <param name="Weight">Relative frequency within its subject kind.</param>
/// <param name="NeedsValue">Whether a value is sent.</param>
/// <param name="ValueMin">Smallest value sent.</param>
/// <param name="ValueSpan">Values are whole numbers in [ValueMin, ValueMin + ValueSpan].</param>
public sealed record SignalKind(string Type, double Weight, bool NeedsValue, double ValueMin, int ValueSpan);
