using System.Globalization;
using ScoreGrains.LoadTest.Running;
using Spectre.Console;

namespace ScoreGrains.LoadTest.Reporting;

/// <summary>
/// Samples the metrics once a second while the work runs. On a terminal: a live table of the last intervals
/// (rate, errors, percentiles, memory, CPU). When the output is redirected (CI): a plain line every few seconds.
/// </summary>
public sealed class ProgressDisplay(RunMetrics metrics, TimeSpan plainEvery)
{
    private const int Rows = 12;

    public static bool Interactive => !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    public Task RunAsync(Func<Task> work) => Interactive ? LiveAsync(work) : PlainAsync(work);

    private async Task LiveAsync(Func<Task> work)
    {
        var table = NewTable();
        await AnsiConsole.Live(table).AutoClear(false).StartAsync(async context =>
        {
            var task = work();
            while (!task.IsCompleted)
            {
                await Task.WhenAny(task, Task.Delay(TimeSpan.FromSeconds(1)));
                metrics.Sample();
                table.Rows.Clear();
                foreach (var sample in metrics.Samples.TakeLast(Rows))
                {
                    table.AddRow([.. Cells(sample).Select(c => new Text(c))]);
                }

                context.Refresh();
            }

            await task;
        });
    }

    private async Task PlainAsync(Func<Task> work)
    {
        var task = work();
        var lastPrinted = 0.0;
        Console.WriteLine(string.Join(" | ", Header));
        while (!task.IsCompleted)
        {
            await Task.WhenAny(task, Task.Delay(TimeSpan.FromSeconds(1)));
            var sample = metrics.Sample();
            if (sample.Seconds - lastPrinted >= plainEvery.TotalSeconds - 0.05)
            {
                lastPrinted = sample.Seconds;
                Console.WriteLine(string.Join(" | ", Cells(sample)));
            }
        }

        await task;
    }

    private static readonly string[] Header =
        ["t s", "phase", "target/s", "sent/s", "acked/s", "errors/s", "in flight", "p50 ms", "p99 ms", "max ms", "heap MB", "gc ms", "cpu %", "pg cpu %"];

    private static Table NewTable()
    {
        var table = new Table().Border(TableBorder.Rounded).Title("ScoreGrains load test (Ctrl+C stops with a partial report)");
        foreach (var column in Header)
        {
            table.AddColumn(new TableColumn(column) { Alignment = column == "phase" ? Justify.Left : Justify.Right });
        }

        return table;
    }

    private static IEnumerable<string> Cells(IntervalSample s)
    {
        var c = CultureInfo.InvariantCulture;
        yield return s.Seconds.ToString("0", c);
        yield return s.Phase;
        yield return s.TargetRate.ToString("N0", c);
        yield return s.SentPerSecond.ToString("N0", c);
        yield return s.AckedPerSecond.ToString("N0", c);
        yield return s.ErrorsPerSecond.ToString("N0", c);
        yield return s.InFlight.ToString("N0", c);
        yield return s.P50Ms.ToString("0.0", c);
        yield return s.P99Ms.ToString("0.0", c);
        yield return s.MaxMs.ToString("0.0", c);
        yield return s.HeapMb.ToString("N0", c);
        yield return s.GcPauseMs.ToString("0", c);
        yield return s.ProcessCpuPercent is { } cpu ? cpu.ToString("0", c) : "-";
        yield return s.PostgresCpuPercent is { } pg ? pg.ToString("0", c) : "-";
    }
}
