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
        try
        {
            await using var command = dataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy("PostgreSQL answered SELECT 1.");
        }
        catch (Exception exception) when (exception is NpgsqlException or OperationCanceledException or TimeoutException or InvalidOperationException)
        {
            var why = exception is OperationCanceledException ? $"no answer within {Timeout.TotalSeconds:0.#} s" : exception.Message;
            return HealthCheckResult.Unhealthy($"PostgreSQL did not answer SELECT 1: {why}", exception);
        }
    }
}
