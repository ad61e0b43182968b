using System.Diagnostics;

namespace ScoreGrains.Tests.Infrastructure;

/// <summary>The real silo as a separate OS process (the built ScoreGrains.Silo.dll), so a test can kill -9 it.</summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;

    private SiloProcess(Process process, Uri httpAddress)
    {
        _process = process;
        HttpAddress = httpAddress;
    }

    public Uri HttpAddress { get; }

    /// <summary>Starts the silo on free loopback ports against <paramref name="connectionString"/> and waits for /healthz.</summary>
    public static async Task<SiloProcess> StartAsync(string connectionString, string serviceId)
    {
        var siloDirectory = LocateSiloBuild();
        var httpPort = LoopbackPort.Free();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = siloDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            Path.Combine(siloDirectory, "ScoreGrains.Silo.dll"),
            $"--ConnectionStrings:ScoreGrains={connectionString}",
            $"--urls=http://127.0.0.1:{httpPort}",
            $"--ScoreGrains:Cluster:SiloPort={LoopbackPort.Free()}",
            $"--ScoreGrains:Cluster:GatewayPort={LoopbackPort.Free()}",
            $"--ScoreGrains:Cluster:ServiceId={serviceId}",
            "--Logging:LogLevel:Default=Warning",
        })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the silo process.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var silo = new SiloProcess(process, new Uri($"http://127.0.0.1:{httpPort}"));
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

    public ValueTask DisposeAsync()
    {
        KillHard();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task WaitUntilHealthyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The silo process exited with code {_process.ExitCode} before it was healthy.");
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

        throw new TimeoutException($"The silo at {HttpAddress} was not healthy within {timeout}.");
    }

    /// <summary>src/ScoreGrains.Silo/bin/&lt;configuration&gt;/net10.0 of the same build as these tests.</summary>
    private static string LocateSiloBuild()
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
