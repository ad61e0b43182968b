using System.Globalization;
using System.Text.RegularExpressions;

namespace ScoreGrains.Tests.Infrastructure;

/// <summary>One scrape of a silo's <c>/metrics</c> in Prometheus' text format, read by metric name and labels.</summary>
public sealed partial class PrometheusScrape
{
    private readonly List<Sample> _samples;

    private PrometheusScrape(string text, List<Sample> samples)
    {
        Text = text;
        _samples = samples;
    }

    public string Text { get; }

    public static async Task<PrometheusScrape> ReadAsync(HttpClient http)
    {
        using var response = await http.GetAsync("/metrics");
        response.EnsureSuccessStatusCode();
        var text = await response.Content.ReadAsStringAsync();
        var samples = new List<Sample>();
        foreach (var line in text.Split('\n'))
        {
            if (SampleLine().Match(line) is { Success: true } match)
            {
                var labels = LabelPair().Matches(match.Groups["labels"].Value)
                    .ToDictionary(m => m.Groups["name"].Value, m => Regex.Unescape(m.Groups["value"].Value), StringComparer.Ordinal);
                samples.Add(new Sample(match.Groups["name"].Value, labels, ParseValue(match.Groups["value"].Value)));
            }
        }

        return new PrometheusScrape(text, samples);
    }

    /// <summary>The sum of every series of <paramref name="name"/> that carries all of <paramref name="labels"/>; 0 when none does.</summary>
    public double Sum(string name, params (string Name, string Value)[] labels) =>
        _samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Name, out var value) && value == l.Value)).Sum(s => s.Value);

    /// <summary>Whether any series' name starts with <paramref name="prefix"/>.</summary>
    public bool HasMetricStartingWith(string prefix) => _samples.Any(s => s.Name.StartsWith(prefix, StringComparison.Ordinal));

    private static double ParseValue(string text) => text switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        _ => double.Parse(text, CultureInfo.InvariantCulture),
    };

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})? (?<value>\S+)( \d+)?$")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"(?<name>[a-zA-Z_][a-zA-Z0-9_]*)=""(?<value>(?:[^""\\]|\\.)*)""")]
    private static partial Regex LabelPair();

    private sealed record Sample(string Name, Dictionary<string, string> Labels, double Value);
}
