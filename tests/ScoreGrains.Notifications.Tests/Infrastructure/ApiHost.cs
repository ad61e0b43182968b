using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using ScoreGrains.Contracts;
using ScoreGrains.Silo.Api;
using ScoreGrains.Silo.Hosting;
using ScoreGrains.Tests.Infrastructure;

namespace ScoreGrains.Notifications.Tests.Infrastructure;

/// <summary>
/// The whole ScoreGrains process as <c>Program.cs</c> builds it (<see cref="ScoreGrainsHost"/>: the HTTP API too, which
/// <see cref="NotificationsHost"/> leaves out), on free loopback ports against the test database (open mode unless the settings say otherwise).
/// </summary>
public sealed class ApiHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpClient _http;

    private ApiHost(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
        _http = new HttpClient { BaseAddress = address, Timeout = Within.Default };
    }

    public Uri Address { get; }

    public static async Task<ApiHost> StartAsync(string connectionString, params string[] settings)
    {
        var httpPort = LoopbackPort.Free();
        var app = await ScoreGrainsHost.BuildAsync(HostArguments.For(
            connectionString, NotificationsFixture.NewServiceId(), httpPort, ["--Logging:LogLevel:Default=Warning", .. settings]));
        await app.StartAsync();
        return new ApiHost(app, new Uri($"http://127.0.0.1:{httpPort}"));
    }

    /// <summary>Applies signals through the cluster's ingest grain, as <c>POST /v1/signals</c> does.</summary>
    public async Task SendAsync(params SignalInput[] signals)
    {
        var result = await _app.Services.GetRequiredService<IGrainFactory>().GetGrain<IIngestGrain>(0).IngestAsync(signals);
        Assert.All(result.Outcomes, o => Assert.Equal(SignalStatus.Applied, o.Status));
    }

    /// <summary>The journal positions of a citizen's entries, oldest first, as <c>GET …/history</c> answers them.</summary>
    public async Task<List<long>> JournalSeqsAsync(string id)
    {
        var page = await _http.GetFromJsonAsync<HistoryPage>($"/v1/subjects/citizen/{id}/history?limit={HistoryPage.MaxLimit}", ApiJson.Options);
        return [.. page!.Entries.Select(e => e.Seq).Reverse()];
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
