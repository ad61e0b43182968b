using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using ScoreGrains.Postgres;

namespace ScoreGrains.Tests.Infrastructure;

/// <summary>
/// A real PostgreSQL for the tests: a private database on the server named by <c>SCOREGRAINS_TEST_POSTGRES</c>
/// (a connection string, as <c>.ci/run</c> gives), or else a throwaway embedded server in a temp folder.
/// Either way it is removed on dispose.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public const string EnvironmentVariable = "SCOREGRAINS_TEST_POSTGRES";

    private readonly EmbeddedPostgres? _embedded;
    private readonly string? _serverConnectionString;
    private readonly string _databaseName;

    private TestDatabase(string connectionString, EmbeddedPostgres? embedded, string? serverConnectionString, string databaseName)
    {
        ConnectionString = connectionString;
        _embedded = embedded;
        _serverConnectionString = serverConnectionString;
        _databaseName = databaseName;
    }

    public string ConnectionString { get; }

    public static async Task<TestDatabase> CreateAsync()
    {
        var schema = Path.Combine(AppContext.BaseDirectory, "cluster-config", "postgres");
        var server = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(server))
        {
            var embedded = await EmbeddedPostgres.StartAsync(
                new EmbeddedPostgresOptions
                {
                    DataDirectory = Path.Combine(Path.GetTempPath(), "scoregrains-tests-" + Guid.NewGuid().ToString("N")),
                    DeleteOnDispose = true,
                    Durable = false,
                },
                NullLogger.Instance,
                CancellationToken.None);
            await SchemaMigrator.ApplyAsync(embedded.ConnectionString, schema, NullLogger.Instance, CancellationToken.None);
            return new TestDatabase(embedded.ConnectionString, embedded, null, "");
        }

        var name = "scoregrains_test_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }

        var connectionString = new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
        await SchemaMigrator.ApplyAsync(connectionString, schema, NullLogger.Instance, CancellationToken.None);
        return new TestDatabase(connectionString, null, server, name);
    }

    public async ValueTask DisposeAsync()
    {
        if (_embedded is not null)
        {
            await _embedded.DisposeAsync();
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_serverConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_databaseName} WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
