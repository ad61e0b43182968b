using System.Net;
using ScoreGrains.Silo.Hosting;
using ScoreGrains.Tests.Infrastructure;

namespace ScoreGrains.Tests.Api;

/// <summary>The Orleans Dashboard costs CPU on every grain call, so it is served only when configured.</summary>
[Collection(ClusterCollection.Name)]
public sealed class OrleansDashboardTests(ClusterFixture fixture)
{
    [Fact]
    public async Task ByDefaultTheSiloServesNoOrleansDashboard()
    {
        var silo = await fixture.GetSiloHostAsync();
        using var http = new HttpClient { BaseAddress = silo.HttpAddress, Timeout = TimeSpan.FromSeconds(60) };

        using var response = await http.GetAsync("/orleans/");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task WithTheSettingOnTheSiloServesTheOrleansDashboard()
    {
        var httpPort = LoopbackPort.Free();
        var host = await ScoreGrainsHost.BuildAsync(HostArguments.For(
            fixture.Database.ConnectionString,
            $"{fixture.ServiceId}-orleans-dashboard",
            httpPort,
            $"--{ScoreGrainsHost.OrleansDashboardSetting}=true",
            "--Logging:LogLevel:Default=Warning"));
        try
        {
            await host.StartAsync();
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromSeconds(60) };

            using var page = await http.GetAsync("/orleans/");
            using var version = await http.GetAsync("/orleans/version");

            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
            Assert.Equal(HttpStatusCode.OK, version.StatusCode);
            Assert.Contains("version", await version.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        finally
        {
            await host.StopAsync();
            await host.DisposeAsync();
        }
    }
}
