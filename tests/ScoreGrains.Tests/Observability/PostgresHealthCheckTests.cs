using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using ScoreGrains.Silo.Observability;

namespace ScoreGrains.Tests.Observability;

/// <summary>The readiness check of the database on its own, against servers that are not there or do not answer.</summary>
public sealed class PostgresHealthCheckTests
{
    [Fact]
    public async Task AServerThatAcceptsButNeverAnswersIsUnhealthyWithinTheCheckTimeout()
    {
        // The kernel completes the handshake into the backlog; nothing ever reads Npgsql's startup message.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        await using var dataSource = NpgsqlDataSource.Create($"Host=127.0.0.1;Port={((IPEndPoint)silent.LocalEndpoint).Port};Username=postgres;Timeout=15");

        var clock = Stopwatch.StartNew();
        var result = await CheckAsync(dataSource);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Equal("PostgreSQL did not answer SELECT 1: no answer within 2 s", result.Description);
        // Timers may fire a few microseconds before the Stopwatch says the timeout passed (seen: 1.9999936 s).
        Assert.InRange(clock.Elapsed, PostgresHealthCheck.Timeout - TimeSpan.FromMilliseconds(50), PostgresHealthCheck.Timeout + TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task AClosedPortIsUnhealthyAtOnceSayingWhy()
    {
        var port = LoopbackPort.Free();
        await using var dataSource = NpgsqlDataSource.Create($"Host=127.0.0.1;Port={port};Username=postgres");

        var clock = Stopwatch.StartNew();
        var result = await CheckAsync(dataSource);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.StartsWith("PostgreSQL did not answer SELECT 1: ", result.Description, StringComparison.Ordinal);
        Assert.IsAssignableFrom<NpgsqlException>(result.Exception);
        Assert.True(clock.Elapsed < PostgresHealthCheck.Timeout, $"a refused connection took {clock.Elapsed}");
    }

    /// <summary>As the health check service runs it: cancelled when the registration's timeout passes.</summary>
    private static async Task<HealthCheckResult> CheckAsync(NpgsqlDataSource dataSource)
    {
        using var timeout = new CancellationTokenSource(PostgresHealthCheck.Timeout);
        return await new PostgresHealthCheck(dataSource).CheckHealthAsync(new HealthCheckContext(), timeout.Token);
    }
}
