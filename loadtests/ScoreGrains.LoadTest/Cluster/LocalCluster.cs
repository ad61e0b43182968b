using Npgsql;
using ScoreGrains.Postgres;
using ScoreGrains.Testing;

namespace ScoreGrains.LoadTest.Cluster;

/// <summary>
/// The cluster scenarios' own cluster, all on loopback: one private durable embedded PostgreSQL (fsync and
/// synchronous_commit on, in a temporary folder deleted at the end) and silo processes (the built ScoreGrains.Silo.dll
/// next to this tool) clustered on it with <c>postgres</c> membership, each on its own free ports. Each
/// <see cref="StartSilosAsync"/> gets a fresh database and service id, so runs side by side start from the same state.
/// </summary>
internal sealed class LocalCluster : IAsyncDisposable
{
    private readonly EmbeddedPostgres _server;
    private readonly List<SiloProcess> _silos = [];
    private readonly IReadOnlyList<string> _settings;

    private LocalCluster(EmbeddedPostgres server, IReadOnlyList<string> settings)
    {
        _server = server;
        _settings = settings;
    }

    /// <summary>The current database's connection string (empty before <see cref="StartSilosAsync"/>).</summary>
    public string ConnectionString { get; private set; } = "";

    public IReadOnlyList<SiloProcess> Silos => _silos;

    public static async Task<LocalCluster> StartAsync(string dataDirectory, IReadOnlyList<string> siloSettings, CancellationToken cancellationToken)
    {
        var server = await EmbeddedPostgres.StartAsync(
            new EmbeddedPostgresOptions { DataDirectory = dataDirectory, DeleteOnDispose = true, Durable = true },
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance,
            cancellationToken);
        return new LocalCluster(server, siloSettings);
    }

    /// <summary>Stops the silos of the previous stage, makes database <paramref name="name"/> and starts <paramref name="count"/> silos on it.</summary>
    public async Task StartSilosAsync(string name, int count, CancellationToken cancellationToken)
    {
        await StopSilosAsync();
        await using (var connection = new NpgsqlConnection(_server.ConnectionString))
        {
            await connection.OpenAsync(cancellationToken);
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        ConnectionString = new NpgsqlConnectionStringBuilder(_server.ConnectionString) { Database = name }.ConnectionString;
        string[] settings = ["--ScoreGrains:Cluster:Clustering=postgres", .. _settings.Select(s => "--" + s)];
        // One at a time: the first applies the schema, and each joins a cluster that is already up.
        for (var i = 0; i < count; i++)
        {
            _silos.Add(await SiloProcess.StartAsync(ConnectionString, name, settings));
        }
    }

    /// <summary>SIGKILL of silo <paramref name="index"/>: no shutdown, no goodbye to the cluster.</summary>
    public void Kill(int index) => _silos[index].KillHard();

    public async ValueTask DisposeAsync()
    {
        await StopSilosAsync();
        await _server.DisposeAsync();
    }

    private async Task StopSilosAsync()
    {
        foreach (var silo in _silos)
        {
            try
            {
                await silo.StopAsync(TimeSpan.FromSeconds(60));
            }
            catch (TimeoutException)
            {
                // Killed when disposed.
            }

            await silo.DisposeAsync();
        }

        _silos.Clear();
    }
}
