using Npgsql;

namespace ScoreGrains.Postgres.Tests;

/// <summary>One throwaway server shared by the tests that only need a database; each test takes a fresh one.</summary>
public sealed class PostgresServerFixture : IAsyncLifetime
{
    private readonly TempFolder _folder = new("shared");
    private EmbeddedPostgres? _server;

    public EmbeddedPostgres Server => _server ?? throw new InvalidOperationException("The server has not started.");

    public async Task InitializeAsync()
    {
        _server = await Servers.StartAsync(Servers.Throwaway(_folder.Path), new TestLogger(null));
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _folder.Dispose();
    }

    /// <summary>Creates an empty database on the shared server and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "t_" + Guid.NewGuid().ToString("N");
        await using (var connection = new NpgsqlConnection(Server.ConnectionString))
        {
            await connection.OpenAsync(TestContext.Timeout);
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync(TestContext.Timeout);
        }

        return new NpgsqlConnectionStringBuilder(Server.ConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>A fresh database with the schema scripts applied.</summary>
    public async Task<string> CreateMigratedDatabaseAsync()
    {
        var connectionString = await CreateDatabaseAsync();
        await SchemaMigrator.ApplyAsync(connectionString, Servers.ScriptsDirectory, new TestLogger(null), TestContext.Timeout);
        return connectionString;
    }
}
