using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ScoreGrains.Client;
using ScoreGrains.Contracts;
using ScoreGrains.Tests.Infrastructure;

namespace ScoreGrains.Tests.Api;

/// <summary>The .NET producer client over the silo's Orleans gateway.</summary>
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
    public void AClientSettingThatDoesNotExistIsRefusedByName()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["ScoreGrains:Client:Gateway:0"] = "127.0.0.1:30001";

        var refused = Assert.Throws<InvalidOperationException>(() => builder.AddScoreGrainsClient());

        Assert.Contains("'Gateway'", refused.Message, StringComparison.Ordinal);
    }
}
