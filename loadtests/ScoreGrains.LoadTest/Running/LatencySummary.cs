using HdrHistogram;

namespace ScoreGrains.LoadTest.Running;

/// <summary>Percentiles of an HdrHistogram of microseconds, in milliseconds.</summary>
public sealed record LatencySummary(long Count, double MeanMs, double P50Ms, double P90Ms, double P99Ms, double P999Ms, double MaxMs)
{
    public static readonly LatencySummary Empty = new(0, 0, 0, 0, 0, 0, 0);

    public static LatencySummary From(HistogramBase histogram) =>
        histogram.TotalCount == 0
            ? Empty
            : new(
                histogram.TotalCount,
                histogram.GetMean() / 1000.0,
                histogram.GetValueAtPercentile(50) / 1000.0,
                histogram.GetValueAtPercentile(90) / 1000.0,
                histogram.GetValueAtPercentile(99) / 1000.0,
                histogram.GetValueAtPercentile(99.9) / 1000.0,
                histogram.GetMaxValue() / 1000.0);
}
