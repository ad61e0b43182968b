using System.Globalization;

namespace ScoreGrains.LoadTest.Spread;

/// <summary>
/// The few figures the spread scenario needs from Prometheus' text format: a metric's samples summed over every
/// label set, or over those carrying one label value. Comments and other metrics are skipped; no client library.
/// </summary>
public static class PrometheusText
{
    /// <summary>The sum of <paramref name="metric"/>'s samples (only those with <paramref name="label"/> when given), or null when it has none.</summary>
    public static double? Sum(string text, string metric, string? label = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        double? sum = null;
        foreach (var line in text.AsSpan().EnumerateLines())
        {
            if (!line.StartsWith(metric, StringComparison.Ordinal) || line.Length == metric.Length)
            {
                continue;
            }

            var next = line[metric.Length];
            if (next is not ('{' or ' '))
            {
                continue; // another metric whose name starts with this one (..._bucket, ..._count)
            }

            var close = line.LastIndexOf('}');
            var labels = next == '{' && close > 0 ? line[..(close + 1)] : [];
            if (label is not null && !labels.Contains(label, StringComparison.Ordinal))
            {
                continue;
            }

            var value = line[(close > 0 ? close + 1 : metric.Length)..].Trim();
            var space = value.IndexOf(' ');
            if (space > 0)
            {
                value = value[..space]; // a timestamp after the value
            }

            if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var sample))
            {
                sum = (sum ?? 0) + sample;
            }
        }

        return sum;
    }
}
