using System.Collections.Concurrent;
using System.Diagnostics;

namespace ScoreGrains.Testing;

/// <summary>The real silo as a separate OS process (the built ScoreGrains.Silo.dll), so a test or a load run can kill -9 it.</summary>
internal sealed class SiloProcess : IAsyncDisposable
{
    private const int LogLines = 200;

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _log = new();

    private SiloProcess(Process process, SiloPorts ports)
    {
        _process = process;
        Ports = ports;
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public SiloPorts Ports { get; }

    public Uri HttpAddress => Ports.HttpAddress;

    public bool HasExited => _process.HasExited;

    /// <summary>The process's last lines of output, for a failure message.</summary>
    public string LogTail => string.Join(Environment.NewLine, _log);

    /// <summary>Starts the silo on free loopback ports against <paramref name="connectionString"/> and waits for /healthz.</summary>
    public static Task<SiloProcess> StartAsync(string connectionString, string serviceId, params string[] settings) =>
        StartAsync(connectionString, serviceId, SiloPorts.Free(), settings);

    /// <summary>Starts the silo on <paramref name="ports"/> (a restart takes the same ones) and waits for /healthz.</summary>
    public static async Task<SiloProcess> StartAsync(string connectionString, string serviceId, SiloPorts ports, params string[] settings)
    {
        var siloDirectory = BuildDirectory();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = siloDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] arguments =
        [
            Path.Combine(siloDirectory, "ScoreGrains.Silo.dll"),
            $"--ConnectionStrings:ScoreGrains={connectionString}",
            $"--urls={ports.HttpAddress}",
            $"--ScoreGrains:Cluster:SiloPort={ports.Silo}",
            $"--ScoreGrains:Cluster:GatewayPort={ports.Gateway}",
            $"--ScoreGrains:Cluster:ServiceId={serviceId}",
            "--Logging:LogLevel:Default=Warning",
            .. settings,
        ];
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the silo process.");
        var silo = new SiloProcess(process, ports);
        await silo.WaitUntilHealthyAsync(TimeSpan.FromSeconds(90));
        return silo;
    }

    /// <summary>SIGKILL: no shutdown, no final snapshot, no goodbye.</summary>
    public void KillHard()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
    }

    /// <summary>SIGTERM, as an orchestrator stops a silo: it leaves the cluster and writes its snapshots, then exits.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (_process.HasExited)
        {
            return;
        }

        using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await term.WaitForExitAsync();
        }

        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The silo at {HttpAddress} did not stop within {timeout} of SIGTERM:{Environment.NewLine}{LogTail}");
        }
    }

    public ValueTask DisposeAsync()
    {
        KillHard();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _log.Enqueue(line);
        while (_log.Count > LogLines && _log.TryDequeue(out _))
        {
        }
    }

    private async Task WaitUntilHealthyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException(
                    $"The silo process exited with code {_process.ExitCode} before it was healthy:{Environment.NewLine}{LogTail}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri(HttpAddress, "/healthz"));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Not answering yet.
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"The silo at {HttpAddress} was not healthy within {timeout}:{Environment.NewLine}{LogTail}");
    }

    /// <summary>
    /// src/ScoreGrains.Silo/bin/&lt;configuration&gt;/&lt;framework&gt; of the same build as this process (a test project's
    /// or the load tester's bin folder: both lie four folders below the repository).
    /// </summary>
    public static string BuildDirectory()
    {
        var testDirectory = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = testDirectory.Name;
        var configuration = testDirectory.Parent!.Name;
        var repository = testDirectory.Parent.Parent!.Parent!.Parent!.Parent!.FullName;
        var directory = Path.Combine(repository, "src", "ScoreGrains.Silo", "bin", configuration, framework);
        return File.Exists(Path.Combine(directory, "ScoreGrains.Silo.dll"))
            ? directory
            : throw new FileNotFoundException($"Build the solution first: no ScoreGrains.Silo.dll in {directory}.");
    }
}
