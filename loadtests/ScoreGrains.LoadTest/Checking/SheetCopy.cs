using ScoreGrains.Scoring;

namespace ScoreGrains.LoadTest.Checking;

internal static class SheetCopy
{
    /// <summary>A deep copy, so the check can try one order of chunks and back out of it.</summary>
    public static ScoreSheet Of(ScoreSheet sheet) => new()
    {
        ModelVersion = sheet.ModelVersion,
        Score = sheet.Score,
        Band = sheet.Band,
        SignalCount = sheet.SignalCount,
        ClockTicks = sheet.ClockTicks,
        Points = (double[])sheet.Points.Clone(),
        Negatives = sheet.Negatives is null ? null : [.. sheet.Negatives],
        Impacts = sheet.Impacts is null ? null : [.. sheet.Impacts],
    };
}
