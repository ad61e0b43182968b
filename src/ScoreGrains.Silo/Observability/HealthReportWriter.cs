using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ScoreGrains.Silo.Observability;

/// <summary>
/// The readiness body: the overall status and each check by name with its own status, description and duration,
/// so whoever reads a 503 sees which dependency failed without the silo's logs.
/// </summary>
internal static class HealthReportWriter
{
    public static async Task WriteAsync(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "application/json; charset=utf-8";
        await using var json = new Utf8JsonWriter(http.Response.Body);
        json.WriteStartObject();
        json.WriteString("status", report.Status.ToString());
        json.WriteStartObject("checks");
        foreach (var (name, entry) in report.Entries)
        {
            json.WriteStartObject(name);
            json.WriteString("status", entry.Status.ToString());
            json.WriteString("description", entry.Description ?? entry.Exception?.Message);
            json.WriteNumber("durationMs", Math.Round(entry.Duration.TotalMilliseconds, 1));
            json.WriteEndObject();
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }
}
