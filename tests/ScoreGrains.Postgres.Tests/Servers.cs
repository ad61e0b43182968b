using Microsoft.Extensions.Logging;

namespace ScoreGrains.Postgres.Tests;

/// <summary>Shared settings for the servers the tests start.</summary>
public static class Servers
{
    public static string ScriptsDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "postgres");

    /// <summary>Fast, not durable: a test server never needs to survive a power cut.</summary>
    public static EmbeddedPostgresOptions Throwaway(string dataDirectory, bool deleteOnDispose = true) => new()
    {
        DataDirectory = dataDirectory,
        DeleteOnDispose = deleteOnDispose,
        Durable = false,
    };

    public static Task<EmbeddedPostgres> StartAsync(EmbeddedPostgresOptions options, ILogger logger) =>
        EmbeddedPostgres.StartAsync(options, logger, TestContext.Timeout);
}
