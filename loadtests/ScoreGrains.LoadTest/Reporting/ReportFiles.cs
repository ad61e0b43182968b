using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ScoreGrains.LoadTest.Reporting;

/// <summary>Writes the JSON report and the HTML chart next to each other, by default in <c>loadtests/results/</c>.</summary>
public static class ReportFiles
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static (string Json, string Html) Write(RunReport report, string? directory)
    {
        var folder = directory ?? DefaultFolder();
        Directory.CreateDirectory(folder);
        var name = string.Create(CultureInfo.InvariantCulture, $"{report.StartedAt.UtcDateTime:yyyyMMdd-HHmmss}-{report.Scenario}-{report.RunId}");
        var json = Path.Combine(folder, name + ".json");
        var html = Path.Combine(folder, name + ".html");
        File.WriteAllText(json, JsonSerializer.Serialize(report, Json));
        File.WriteAllText(html, HtmlReport.Render(report));
        return (json, html);
    }

    /// <summary><c>loadtests/results</c> of the repository this tool runs in (gitignored), else <c>./results</c>.</summary>
    private static string DefaultFolder()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var loadtests = Path.Combine(dir.FullName, "loadtests");
                if (Directory.Exists(Path.Combine(loadtests, "ScoreGrains.LoadTest")))
                {
                    return Path.Combine(loadtests, "results");
                }

                if (dir.Name == "loadtests" && Directory.Exists(Path.Combine(dir.FullName, "ScoreGrains.LoadTest")))
                {
                    return Path.Combine(dir.FullName, "results");
                }
            }
        }

        return Path.Combine(Environment.CurrentDirectory, "results");
    }
}
