using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ScoreGrains.Client;
using ScoreGrains.Contracts;
using ScoreGrains.Silo.Hosting;
using ScoreGrains.Tests.Infrastructure;

namespace ScoreGrains.Tests.Api;

/// <summary>The .NET producer client over the silo's Orleans gateway, given its address or found in the cluster's membership.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ClientTests(ClusterFixture fixture)
{
    [Fact]
    public async Task TheClientGetsTheSamePerItemOutcomesAsHttp()
    {
        var silo = await fixture.GetSiloHostAsync();
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["ScoreGrains:Client:Gateways:0"] = silo.Gateway;
        builder.Configuration["ScoreGrains:Client:ServiceId"] = silo.ServiceId;
        builder.Configuration["ScoreGrains:Client:ClusterId"] = "scoregrains";
        builder.AddScoreGrainsClient();
        using var host = builder.Build();
        await host.StartAsync();
        var client = host.Services.GetRequiredService<ScoreGrainsClient>();
        var id = Signals.NewId();

        var result = await client.SendAsync(
        [
            Signals.For("company", id, "inspection.passed"),
            Signals.For("company", id, "horoscope.bad"),
        ]);
        var score = await client.GetScoreAsync("company", id);

        Assert.Equal([SignalStatus.Applied, SignalStatus.Rejected], result.Outcomes.Select(o => o.Status));
        Assert.Equal("type", result.Outcomes[1].Field);
        Assert.Equal(1, score.SignalCount);
        Assert.Equal(result.Outcomes[0].Score, score.Score);
        await host.StopAsync();
    }

    [Fact]
    public async Task WithPostgresClusteringTheClientFindsTheGatewayInTheClustersMembershipAndCalls()
    {
        var run = Signals.NewId()[^8..];
        var serviceId = $"{fixture.ServiceId}-members-{run}";
        await using var silo = await ScoreGrainsHost.BuildAsync(HostArguments.For(
            fixture.Database.ConnectionString, serviceId, LoopbackPort.Free(),
            $"--ScoreGrains:Cluster:Clustering={ClusteringModes.Postgres}", $"--ScoreGrains:Cluster:ClusterId=members-{run}", "--Logging:LogLevel:Default=Warning"));
        await silo.StartAsync();
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["ConnectionStrings:ScoreGrains"] = fixture.Database.ConnectionString;
        builder.Configuration["ScoreGrains:Client:Clustering"] = "postgres";
        builder.Configuration["ScoreGrains:Client:ServiceId"] = serviceId;
        builder.Configuration["ScoreGrains:Client:ClusterId"] = $"members-{run}";
        builder.AddScoreGrainsClient();
        using var host = builder.Build();

        await host.StartAsync().WaitAsync(TimeSpan.FromSeconds(60));
        var client = host.Services.GetRequiredService<ScoreGrainsClient>();
        var id = Signals.NewId();
        var sent = await client.SendAsync([Signals.For("company", id, "inspection.passed")]);

        Assert.Equal(SignalStatus.Applied, Assert.Single(sent.Outcomes).Status);
        Assert.Equal(1, (await client.GetScoreAsync("company", id)).SignalCount);
        await host.StopAsync();
        await silo.StopAsync();
    }

    [Theory]
    [InlineData("dns", null, null, "Clustering 'dns' is not one of static, postgres")]
    [InlineData("postgres", null, null, "set ConnectionStrings:ScoreGrains")]
    [InlineData("postgres", "Host=127.0.0.1", "127.0.0.1:30000", "Gateways is set")]
    public void ClusteringSettingsThatCannotFindTheGatewaysAreRefusedByName(string clustering, string? connectionString, string? gateway, string expected)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["ScoreGrains:Client:Clustering"] = clustering;
        if (connectionString is not null)
        {
            builder.Configuration["ConnectionStrings:ScoreGrains"] = connectionString;
        }

        if (gateway is not null)
        {
            builder.Configuration["ScoreGrains:Client:Gateways:0"] = gateway;
        }

        var refused = Assert.Throws<InvalidOperationException>(() => builder.AddScoreGrainsClient());

        Assert.Contains(expected, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AClientSettingThatDoesNotExistIsRefusedByName()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["ScoreGrains:Client:Gateway:0"] = "127.0.0.1:30001";

        var refused = Assert.Throws<InvalidOperationException>(() => builder.AddScoreGrainsClient());

        Assert.Contains("'Gateway'", refused.Message, StringComparison.Ordinal);
    }
}
