using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging.Abstractions;
using ScoreGrains.Postgres;
using ScoreGrains.Silo.Hosting;
using ScoreGrains.Tests.Infrastructure;

namespace ScoreGrains.Tests.Observability;

/// <summary>Liveness runs no check; readiness reports PostgreSQL and cluster membership each on its own.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ReadinessTests(ClusterFixture fixture)
{
    [Fact]
    public async Task ARunningSiloIsReadyWithPostgresAndMembershipEachHealthy()
    {
        var silo = await fixture.GetSiloHostAsync();
        using var http = new HttpClient { BaseAddress = silo.HttpAddress, Timeout = TimeSpan.FromSeconds(60) };

        var (status, checks) = await ReadyAsync(http);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Healthy", CheckStatus(checks, "postgres"));
        Assert.Equal("Healthy", CheckStatus(checks, "membership"));
        Assert.Contains("Active", checks.GetProperty("membership").GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WhilePostgresIsDownTheSiloIsUnreadyNamingPostgresButStaysLive()
    {
        var folder = Path.Combine(Path.GetTempPath(), "scoregrains-readiness-" + Guid.NewGuid().ToString("N"));
        var options = new EmbeddedPostgresOptions { DataDirectory = folder, Durable = false };
        var database = await EmbeddedPostgres.StartAsync(options, NullLogger.Instance, CancellationToken.None);
        options.Port = database.Port;
        WebApplication? silo = null;
        try
        {
            var httpPort = LoopbackPort.Free();
            silo = await ScoreGrainsHost.BuildAsync(HostArguments.For(database.ConnectionString, "readiness", httpPort, "--Logging:LogLevel:Default=Critical"));
            await silo.StartAsync();
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromSeconds(60) };
            Assert.Equal(HttpStatusCode.OK, (await ReadyAsync(http)).Status);

            // pg_ctl stop waits until the server is gone: the next check fails on its pooled connection or a refused one.
            await database.DisposeAsync();
            var (downStatus, down) = await ReadyAsync(http);
            using var live = await http.GetAsync("/healthz");

            Assert.Equal(HttpStatusCode.ServiceUnavailable, downStatus);
            Assert.Equal("Unhealthy", CheckStatus(down, "postgres"));
            Assert.Contains("PostgreSQL", down.GetProperty("postgres").GetProperty("description").GetString(), StringComparison.Ordinal);
            Assert.Equal("Healthy", CheckStatus(down, "membership"));
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);

            // Asked again as a probe would: a pooled connection the outage broke can fail a check before Npgsql
            // discards it, so the first answer after the restart may still be 503.
            database = await EmbeddedPostgres.StartAsync(options, NullLogger.Instance, CancellationToken.None);
            var back = await PollReadyAsync(http, HttpStatusCode.OK, "readiness to answer 200 again after PostgreSQL restarted");
            Assert.Equal("Healthy", CheckStatus(back, "postgres"));
        }
        finally
        {
            if (silo is not null)
            {
                await silo.StopAsync();
                await silo.DisposeAsync();
            }

            await database.DisposeAsync();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string? CheckStatus(JsonElement checks, string name) => checks.GetProperty(name).GetProperty("status").GetString();

    private static async Task<(HttpStatusCode Status, JsonElement Checks)> ReadyAsync(HttpClient http)
    {
        using var response = await http.GetAsync("/healthz/ready");
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return (response.StatusCode, body.GetProperty("checks").Clone());
    }

    /// <summary>Asks until readiness answers <paramref name="expected"/>, for a bounded time; returns its checks.</summary>
    private static async Task<JsonElement> PollReadyAsync(HttpClient http, HttpStatusCode expected, string waitingFor)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var (status, checks) = await ReadyAsync(http);
            if (status == expected)
            {
                return checks;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Waited 60 s for {waitingFor}; the last answer was {(int)status}: {checks}");
            }

            await Task.Delay(200);
        }
    }
}
