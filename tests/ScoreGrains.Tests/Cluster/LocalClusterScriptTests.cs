using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using ScoreGrains.Tests.Infrastructure;

namespace ScoreGrains.Tests.Cluster;

/// <summary>
/// README's cluster command, <c>cluster-config/local-cluster.sh</c>, as a user runs it: its own PostgreSQL and two
/// silos, a signal posted to one read on the other, stop leaves no process, and a second start finds the data.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class LocalClusterScriptTests : IDisposable
{
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromMinutes(3);

    private readonly string _state = Directory.CreateTempSubdirectory("scoregrains-local-cluster-test-").FullName;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task StartsTwoSilosOnItsOwnPostgresThatShareSubjectsAndStopsWithoutLeftovers()
    {
        try
        {
            var start = await RunAsync("start", "2");
            Assert.True(start.ExitCode == 0, start.Output);
            Assert.Contains("silo 1  pid", start.Output);
            Assert.Contains("http://127.0.0.1:5082  gateway 127.0.0.1:30002  ready: yes", start.Output);

            var id = Signals.NewId();
            var posted = await _http.PostAsJsonAsync(
                "http://127.0.0.1:5082/v1/signals", new[] { Signals.For("citizen", id, "court.judgment_defaulted") }, ApiJson.Options);
            Assert.True(posted.IsSuccessStatusCode, await posted.Content.ReadAsStringAsync());
            var score = await ScoreAsync("http://127.0.0.1:5081", id);

            var stop = await RunAsync("stop");
            Assert.True(stop.ExitCode == 0, stop.Output);
            Assert.Contains("silo 2 stopped", stop.Output);
            Assert.Contains("PostgreSQL stopped", stop.Output);
            Assert.Empty(ProcessesUsing(_state));

            var restart = await RunAsync("start", "1");
            Assert.True(restart.ExitCode == 0, restart.Output);
            Assert.Equal(score, await ScoreAsync("http://127.0.0.1:5081", id));
        }
        finally
        {
            var clean = await RunAsync("clean");
            Assert.True(clean.ExitCode == 0, clean.Output);
        }

        Assert.False(Directory.Exists(_state));
        Assert.Empty(ProcessesUsing(_state));
    }

    [Fact]
    public async Task RefusesASiloCountOutOfRange()
    {
        var start = await RunAsync("start", "12");

        Assert.NotEqual(0, start.ExitCode);
        Assert.Contains("SILOS must be 1 to 9", start.Output);
    }

    public void Dispose()
    {
        _http.Dispose();
        if (Directory.Exists(_state))
        {
            Directory.Delete(_state, recursive: true);
        }
    }

    private async Task<double> ScoreAsync(string silo, string id)
    {
        using var subject = JsonDocument.Parse(await _http.GetStringAsync($"{silo}/v1/subjects/citizen/{id}"));
        Assert.Equal(1, subject.RootElement.GetProperty("signalCount").GetInt32());
        return subject.RootElement.GetProperty("score").GetDouble();
    }

    private async Task<(int ExitCode, string Output)> RunAsync(params string[] arguments)
    {
        var siloBuild = SiloProcess.BuildDirectory();
        var repository = Path.GetFullPath(Path.Combine(siloBuild, "..", "..", "..", "..", ".."));
        var script = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        script.ArgumentList.Add(Path.Combine(repository, "cluster-config", "local-cluster.sh"));
        foreach (var argument in arguments)
        {
            script.ArgumentList.Add(argument);
        }

        script.Environment["SCOREGRAINS_CLUSTER_DIR"] = _state;
        script.Environment["SCOREGRAINS_CLUSTER_NO_BUILD"] = "1";
        script.Environment["SCOREGRAINS_CLUSTER_SILO_BUILD"] = siloBuild;
        script.Environment.Remove("ConnectionStrings__ScoreGrains");

        using var process = Process.Start(script)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(ScriptTimeout);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await errors);
    }

    // The script's silos and PostgreSQL name the state folder on their command lines (PostgreSQL its data directory).
    private static List<string> ProcessesUsing(string state) =>
        [.. Directory.EnumerateDirectories("/proc")
            .Select(p => Path.Combine(p, "cmdline"))
            .Select(p => { try { return File.ReadAllText(p).Replace('\0', ' '); } catch (IOException) { return ""; } catch (UnauthorizedAccessException) { return ""; } })
            .Where(c => c.Contains(state, StringComparison.Ordinal) || c.Contains("--urls=http://127.0.0.1:508", StringComparison.Ordinal))];
}
