using ScoreGrains.LoadTest.Options;
using ScoreGrains.LoadTest.Reporting;
using Spectre.Console;

namespace ScoreGrains.LoadTest;

/// <summary>Entry point: options, Ctrl+C, the run, the report, the exit code.</summary>
public static class LoadTestApp
{
    public const int ExitPassed = 0;
    public const int ExitFailed = 1;
    public const int ExitUsage = 2;
    public const int ExitInterrupted = 130;

    public static async Task<int> RunAsync(string[] args)
    {
        if (OptionsParser.WantsHelp(args))
        {
            Console.WriteLine(Usage.Text);
            return ExitPassed;
        }

        LoadTestOptions options;
        try
        {
            options = OptionsParser.Parse(args);
        }
        catch (OptionsException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return ExitUsage;
        }

        if (Console.IsOutputRedirected)
        {
            // CI logs and files have no width: keep the report's tables on readable lines.
            AnsiConsole.Profile.Width = 200;
        }

        using var stop = new CancellationTokenSource();
        var interrupted = false;
        Console.CancelKeyPress += (_, e) =>
        {
            // The first Ctrl+C stops sending and still reports; a second one ends the process.
            if (!interrupted)
            {
                e.Cancel = true;
                interrupted = true;
                Console.Error.WriteLine("Stopping: waiting for outstanding answers, then reporting what was measured...");
                stop.Cancel();
            }
        };

        try
        {
            var session = new RunSession(options, args, () => interrupted);
            var report = await session.RunAsync(stop.Token);
            (string, string)? files = null;
            try
            {
                files = ReportFiles.Write(report, options.OutputDirectory);
                if (session.MismatchDumps.Count > 0)
                {
                    var dump = Path.ChangeExtension(files.Value.Item1, ".mismatches.txt");
                    await File.WriteAllTextAsync(dump, string.Join('\n', session.MismatchDumps));
                    Console.WriteLine($"mismatched histories: {dump}");
                }
            }
            catch (IOException e)
            {
                Console.Error.WriteLine($"warning: the report files could not be written: {e.Message}");
            }

            ConsoleReport.Write(report, files);
            return report.ExitCode;
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or TimeoutException or Scoring.ScoringModelException or Postgres.PostgresNotInstalledException)
        {
            AnsiConsole.Write(new Text($"error: {e.Message}\n", new Style(Color.Red)));
            return ExitUsage;
        }
    }
}
