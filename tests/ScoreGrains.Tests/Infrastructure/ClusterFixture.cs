using Microsoft.AspNetCore.Builder;
using Orleans.TestingHost;
using ScoreGrains.Silo.Hosting;

namespace ScoreGrains.Tests.Infrastructure;

/// <summary>
/// Owns the test database, a one-silo test cluster, and (on first use) a real silo host with HTTP and gateway
/// on free loopback ports. Shared by every test of the <see cref="ClusterCollection"/>.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    private readonly SemaphoreSlim _hostLock = new(1, 1);
    private TestDatabase? _database;
    private WebApplication? _host;
    private SecuredSilo? _secured;

    public TestDatabase Database => _database ?? throw new InvalidOperationException("The fixture is not initialised.");

    public TestCluster Cluster { get; private set; } = null!;

    /// <summary>The ServiceId of <see cref="Cluster"/>: stored state is keyed by it.</summary>
    public string ServiceId { get; } = "tests-" + Guid.NewGuid().ToString("N")[..8];

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        Cluster = await StartClusterAsync(ServiceId);
    }

    /// <summary>
    /// Starts a one-silo cluster on the test database (or <paramref name="connectionString"/>), with extra
    /// configuration <paramref name="settings"/>. Same ServiceId = same stored state.
    /// </summary>
    public async Task<TestCluster> StartClusterAsync(string serviceId, IReadOnlyDictionary<string, string>? settings = null, string? connectionString = null)
    {
        var builder = new TestClusterBuilder(initialSilosCount: 1);
        builder.Options.ServiceId = serviceId;
        builder.Properties[TestSiloConfigurator.ConnectionStringKey] = connectionString ?? Database.ConnectionString;
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            builder.Properties[key] = value;
        }

        builder.AddSiloBuilderConfigurator<TestSiloConfigurator>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    /// <summary>The real ScoreGrains process (silo + HTTP API), started once on free ports against the test database.</summary>
    public async Task<RunningSilo> GetSiloHostAsync()
    {
        await _hostLock.WaitAsync();
        try
        {
            if (_host is null)
            {
                var httpPort = LoopbackPort.Free();
                var gatewayPort = LoopbackPort.Free();
                _host = await ScoreGrainsHost.BuildAsync(HostArguments.For(
                    Database.ConnectionString,
                    $"{ServiceId}-host",
                    httpPort,
                    $"--ScoreGrains:Cluster:GatewayPort={gatewayPort}", // clients of this fixture connect to it
                    "--ScoreGrains:MaxBatchSize=100",
                    "--ScoreGrains:Api:MaxRequestBodyBytes=65536",
                    "--Logging:LogLevel:Default=Warning"));
                await _host.StartAsync();
                RunningSilo = new RunningSilo(new Uri($"http://127.0.0.1:{httpPort}"), $"127.0.0.1:{gatewayPort}", $"{ServiceId}-host", _host.Configuration);
            }

            return RunningSilo!;
        }
        finally
        {
            _hostLock.Release();
        }
    }

    private RunningSilo? RunningSilo { get; set; }

    /// <summary>A second real silo host, in <c>keys</c> mode (<see cref="SecuredSilo"/>), started on first use.</summary>
    public async Task<SecuredSilo> GetSecuredSiloAsync()
    {
        await _hostLock.WaitAsync();
        try
        {
            return _secured ??= await SecuredSilo.StartAsync(Database.ConnectionString, $"{ServiceId}-secured");
        }
        finally
        {
            _hostLock.Release();
        }
    }

    public async Task DisposeAsync()
    {
        if (_secured is not null)
        {
            await _secured.DisposeAsync();
        }

        if (_host is not null)
        {
            await _host.StopAsync();
            await _host.DisposeAsync();
        }

        if (Cluster is not null)
        {
            await Cluster.StopAllSilosAsync();
            await Cluster.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        _hostLock.Dispose();
    }
}
