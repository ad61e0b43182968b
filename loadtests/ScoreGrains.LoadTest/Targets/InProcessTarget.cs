using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using ScoreGrains.Contracts;
using ScoreGrains.LoadTest.Options;
using ScoreGrains.Silo.Hosting;
using ScoreGrains.Testing;

namespace ScoreGrains.LoadTest.Targets;

/// <summary>
/// The whole ScoreGrains process (silo + HTTP API) started inside this one on free loopback ports, with a
/// private, durable embedded PostgreSQL in a temporary folder deleted at the end. Batches go to the ingest grain
/// as a co-hosted client would send them.
/// </summary>
public sealed class InProcessTarget(LoadTestOptions options, string runId) : ILoadTarget
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromMinutes(5);

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"scoregrains-loadtest-{runId}");
    private readonly Uri _httpAddress = new($"http://127.0.0.1:{LoopbackPort.Free()}/");
    private WebApplication? _app;
    private bool _started;

    public string Description => $"in-process silo, {options.Persistence} persistence, "
        + (options.ConnectionString is null ? "embedded durable PostgreSQL" : "external PostgreSQL");

    public IGrainFactory? Grains { get; private set; }

    /// <summary>The silo's HTTP address on loopback (its API, <c>/metrics</c>).</summary>
    public Uri HttpAddress => _httpAddress;

    /// <summary>The embedded PostgreSQL's data folder, or null when <c>--connection-string</c> names another server.</summary>
    public string? DataDirectory => options.ConnectionString is null ? _dataDirectory : null;

    /// <summary>The started silo's services (its journal, its database), for the journal benchmark.</summary>
    public IServiceProvider? Services => _started ? _app?.Services : null;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var level = options.SiloLogLevel;
        List<string> args =
        [
            $"--urls={_httpAddress.GetLeftPart(UriPartial.Authority)}",
            $"--ScoreGrains:Cluster:SiloPort={LoopbackPort.Free()}",
            $"--ScoreGrains:Cluster:GatewayPort={LoopbackPort.Free()}",
            $"--ScoreGrains:Cluster:ServiceId=loadtest-{runId}",
            $"--ScoreGrains:PersistenceMode={options.Persistence}",
            $"--Logging:LogLevel:Default={level}",
            $"--Logging:LogLevel:Microsoft={level}",
            $"--Logging:LogLevel:Microsoft.AspNetCore={level}",
            $"--Logging:LogLevel:Orleans={level}",
            // Stopping writes every active subject's deactivation snapshot (100k of them after a journal benchmark):
            // give it the time, so the embedded PostgreSQL is not stopped under them.
            $"--shutdownTimeoutSeconds={(int)StopTimeout.TotalSeconds}",
        ];
        args.AddRange(options.SiloSettings.Select(setting => "--" + setting));
        if (options.ConnectionString is { } connectionString)
        {
            args.Add($"--ConnectionStrings:ScoreGrains={connectionString}");
        }
        else
        {
            // Benchmarks keep PostgreSQL durable: fsync and synchronous_commit stay on.
            args.Add($"--ScoreGrains:Embedded:DataDirectory={_dataDirectory}");
            args.Add("--ScoreGrains:Embedded:DeleteOnDispose=true");
            args.Add("--ScoreGrains:Embedded:Durable=true");
        }

        _app = await ScoreGrainsHost.BuildAsync([.. args], cancellationToken);
        await _app.StartAsync(cancellationToken);
        _started = true;
        Grains = _app.Services.GetRequiredService<IGrainFactory>();
    }

    public Task<IngestResult> SendAsync(IReadOnlyList<SignalInput> batch) =>
        Grains!.GetGrain<IIngestGrain>(0).IngestAsync(batch);

    public async Task<SubjectScore?> ReadScoreAsync(string kind, string id)
    {
        var score = await Grains!.GetGrain<ISubjectGrain>(SubjectKey.Format(kind, id)).GetScoreAsync();
        return score.SignalCount == 0 ? null : score;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            if (_started)
            {
                using var timeout = new CancellationTokenSource(StopTimeout);
                await _app.StopAsync(timeout.Token);
            }

            await _app.DisposeAsync();
        }

        if (options.ConnectionString is null && Directory.Exists(_dataDirectory))
        {
            try
            {
                Directory.Delete(_dataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // Left for the OS to clean: it is under the temporary folder.
            }
            catch (UnauthorizedAccessException)
            {
                // Owned by the postgres user when this process is root; the embedded launcher deletes it itself.
            }
        }
    }
}
