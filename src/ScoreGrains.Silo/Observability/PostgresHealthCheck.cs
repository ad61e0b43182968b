using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace ScoreGrains.Silo.Observability;

/// <summary>
/// Readiness of the database: a <c>SELECT 1</c> through the silo's own <see cref="NpgsqlDataSource"/>, so it
/// fails when the silo's connections would (server down, pool exhausted, wrong address), not only when the
/// server is down.
/// </summary>
internal sealed class PostgresHealthCheck(NpgsqlDataSource dataSource) : IHealthCheck
{
    public const string Name = "postgres";

    /// <summary>
    /// Longer than a healthy server ever takes, short enough for a Kubernetes probe (whose own timeoutSeconds should be
    /// at least this): an unreachable host is reported in this time, not after Npgsql's 15 s connection timeout.
    /// </summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var select = SelectOneAsync(cancellationToken);
        try
        {
            // Npgsql honours the token while it connects and while a command runs, not while it waits for a new
            // connection's first answer from the server (that takes its own Timeout): a server that accepts and never
            // answers would hold the check 15 s. So the check stops waiting at the token; the abandoned attempt ends at
            // Npgsql's timeout, its failure observed here.
            await select.WaitAsync(cancellationToken);
            return HealthCheckResult.Healthy("PostgreSQL answered SELECT 1.");
        }
        catch (Exception exception) when (exception is NpgsqlException or OperationCanceledException or TimeoutException or InvalidOperationException)
        {
            if (!select.IsCompleted)
            {
                _ = select.ContinueWith(static attempt => attempt.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            }

            var why = exception is OperationCanceledException ? $"no answer within {Timeout.TotalSeconds:0.#} s" : exception.Message;
            return HealthCheckResult.Unhealthy($"PostgreSQL did not answer SELECT 1: {why}", exception);
        }
    }

    private async Task SelectOneAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT 1");
        await command.ExecuteScalarAsync(cancellationToken);
    }
}
