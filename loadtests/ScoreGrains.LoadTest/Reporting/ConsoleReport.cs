using Spectre.Console;

namespace ScoreGrains.LoadTest.Reporting;

/// <summary>The final report as console tables.</summary>
public static class ConsoleReport
{
    public static void Write(RunReport report, (string Json, string Html)? files)
    {
        var summary = new Table().Border(TableBorder.Rounded).Title("ScoreGrains load test").AddColumn("").AddColumn("");
        summary.HideHeaders();
        foreach (var (label, value) in ReportRows.Summary(report))
        {
            var style = label == "result" || label == "check"
                ? new Style(report.Failures.Count == 0 ? Color.Green : Color.Red)
                : Style.Plain;
            summary.AddRow(new Text(label, new Style(decoration: Decoration.Bold)), new Text(value, style));
        }

        AnsiConsole.Write(summary);
        if (report.Phases.Count > 0)
        {
            var phases = new Table().Border(TableBorder.Rounded).Title("phases (latency after each phase's ramp)");
            foreach (var column in ReportRows.PhaseColumns)
            {
                phases.AddColumn(new TableColumn(column) { Alignment = column is "phase" or "verdict" ? Justify.Left : Justify.Right });
            }

            foreach (var phase in report.Phases)
            {
                phases.AddRow([.. ReportRows.Phase(phase).Select(cell => new Text(cell))]);
            }

            AnsiConsole.Write(phases);
        }

        foreach (var example in report.Check?.Examples ?? [])
        {
            AnsiConsole.Write(new Text("mismatch: " + example + "\n", new Style(Color.Red)));
        }

        foreach (var problem in report.Problems)
        {
            AnsiConsole.Write(new Text("problem: " + problem + "\n", new Style(Color.Yellow)));
        }

        if (files is { } f)
        {
            AnsiConsole.Write(new Text($"report: {f.Json}\nchart:  {f.Html}\n"));
        }
    }
}
