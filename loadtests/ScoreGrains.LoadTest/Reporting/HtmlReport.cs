using System.Net;
using System.Text;

namespace ScoreGrains.LoadTest.Reporting;

/// <summary>One self-contained HTML page: the summary, the phases, and throughput and latency over time as SVG.</summary>
public static class HtmlReport
{
    public static string Render(RunReport report)
    {
        var x = report.Intervals.Select(i => i.Seconds).ToList();
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>ScoreGrains load test ")
            .Append(E(report.Scenario)).Append(' ').Append(E(report.RunId)).Append("</title>\n<style>")
            .Append("body{font-family:sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin:12px 0}")
            .Append("td,th{border:1px solid #ddd;padding:4px 8px;text-align:left;font-size:13px}th{background:#f0f0f0}")
            .Append("code{background:#f4f4f4;padding:2px 4px}.fail{color:#b00}.pass{color:#070}</style></head><body>\n")
            .Append("<h1>ScoreGrains load test: ").Append(E(report.Scenario)).Append("</h1>\n<p><code>")
            .Append(E(report.CommandLine)).Append("</code></p>\n<table>");
        foreach (var (label, value) in ReportRows.Summary(report))
        {
            var css = label == "result" ? (report.Failures.Count == 0 ? " class=\"pass\"" : " class=\"fail\"") : "";
            html.Append("<tr><th>").Append(E(label)).Append("</th><td").Append(css).Append('>').Append(E(value)).Append("</td></tr>\n");
        }

        html.Append("</table>\n");
        if (report.Phases.Count > 0)
        {
            html.Append("<h2>Phases (latency after each phase's ramp)</h2><table><tr>");
            foreach (var column in ReportRows.PhaseColumns)
            {
                html.Append("<th>").Append(E(column)).Append("</th>");
            }

            html.Append("</tr>\n");
            foreach (var phase in report.Phases)
            {
                html.Append("<tr>");
                foreach (var cell in ReportRows.Phase(phase))
                {
                    html.Append("<td>").Append(E(cell)).Append("</td>");
                }

                html.Append("</tr>\n");
            }

            html.Append("</table>\n");
        }

        if (x.Count > 1)
        {
            html.Append(SvgChart.Lines("Throughput over time", "signals per second", x,
            [
                new("target", "#999", [.. report.Intervals.Select(i => i.TargetRate)]),
                new("sent", "#1f77b4", [.. report.Intervals.Select(i => i.SentPerSecond)]),
                new("acknowledged", "#2ca02c", [.. report.Intervals.Select(i => i.AckedPerSecond)]),
                new("errors", "#d62728", [.. report.Intervals.Select(i => i.ErrorsPerSecond)]),
            ], logarithmic: false)).Append('\n');
            html.Append(SvgChart.Lines("Ack latency per interval (from intended send time)", "milliseconds (log)", x,
            [
                new("p50", "#2ca02c", [.. report.Intervals.Select(i => i.P50Ms)]),
                new("p90", "#1f77b4", [.. report.Intervals.Select(i => i.P90Ms)]),
                new("p99", "#ff7f0e", [.. report.Intervals.Select(i => i.P99Ms)]),
                new("max", "#d62728", [.. report.Intervals.Select(i => i.MaxMs)]),
            ], logarithmic: true)).Append('\n');
            html.Append(SvgChart.Lines("Resources", "% / MB / ms", x,
            [
                new("process CPU %", "#9467bd", [.. report.Intervals.Select(i => i.ProcessCpuPercent ?? double.NaN)]),
                new("PostgreSQL CPU %", "#e377c2", [.. report.Intervals.Select(i => i.PostgresCpuPercent ?? double.NaN)]),
                new("machine CPU %", "#8c564b", [.. report.Intervals.Select(i => i.MachineCpuPercent ?? double.NaN)]),
                new("heap MB / 10", "#17becf", [.. report.Intervals.Select(i => i.HeapMb / 10)]),
                new("GC pause ms", "#bcbd22", [.. report.Intervals.Select(i => i.GcPauseMs)]),
            ], logarithmic: false)).Append('\n');
        }

        if (report.Check is { Examples.Count: > 0 } check)
        {
            html.Append("<h2>Check mismatches (first ").Append(check.Examples.Count).Append(")</h2><ul>");
            foreach (var example in check.Examples)
            {
                html.Append("<li>").Append(E(example)).Append("</li>");
            }

            html.Append("</ul>\n");
        }

        if (report.Problems.Count > 0)
        {
            html.Append("<h2>Problems</h2><ul>");
            foreach (var problem in report.Problems)
            {
                html.Append("<li>").Append(E(problem)).Append("</li>");
            }

            html.Append("</ul>\n");
        }

        html.Append("</body></html>\n");
        return html.ToString();
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
