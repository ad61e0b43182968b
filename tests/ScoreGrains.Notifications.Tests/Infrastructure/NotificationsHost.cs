using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using ScoreGrains.Client;
using ScoreGrains.Client.Notifications;
using ScoreGrains.Contracts;
using ScoreGrains.Grains.Hosting;
using ScoreGrains.Grains.Notifications;
using ScoreGrains.Silo.Notifications;
using ScoreGrains.Silo.Security;

namespace ScoreGrains.Notifications.Tests.Infrastructure;

/// <summary>
/// One silo process as the real host builds it (silo + notifications + their HTTP endpoints and dashboard), on
/// free loopback ports against the test database, and an external .NET client connected to its gateway.
/// Stop it and start another with the same service id to restart the silo on the same data.
/// </summary>
public sealed class NotificationsHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly IHost _client;

    private NotificationsHost(WebApplication app, IHost client, Uri address)
    {
        _app = app;
        _client = client;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>The silo's own grain factory: the in-process ingest path.</summary>
    public IGrainFactory Grains => _app.Services.GetRequiredService<IGrainFactory>();

    public ICrossingSink Sink => _app.Services.GetRequiredService<ICrossingSink>();

    /// <summary>A subscriber over the gateway, as a .NET service would use it.</summary>
    public ScoreGrainsSubscriber Subscriber => new(_client.Services.GetRequiredService<IClusterClient>());

    public static async Task<NotificationsHost> StartAsync(string connectionString, string serviceId, params string[] settings)
    {
        // Several silos share one test server (300 connections when embedded): keep each pool small.
        connectionString = new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = 20 }.ConnectionString;
        var httpPort = LoopbackPort.Free();
        var gatewayPort = LoopbackPort.Free();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Warning" });
        builder.Configuration.AddCommandLine(settings);
        builder.WebHost.UseUrls($"http://127.0.0.1:{httpPort}");
        builder.UseOrleans(silo => silo
            .UseLocalhostClustering(LoopbackPort.Free(), gatewayPort, serviceId: serviceId, clusterId: serviceId)
            .AddScoreGrains(connectionString));
        builder.AddScoreGrainsDashboard();
        builder.AddScoreGrainsSecurity([$"http://127.0.0.1:{httpPort}"]);
        var app = builder.Build();
        app.UseScoreGrainsDashboardFiles();
        app.UseScoreGrainsSecurity();
        app.MapScoreGrainsNotifications();
        await app.StartAsync();

        var clientBuilder = Host.CreateApplicationBuilder();
        clientBuilder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ScoreGrains:Client:Gateways:0"] = $"127.0.0.1:{gatewayPort}",
            ["ScoreGrains:Client:ServiceId"] = serviceId,
            ["ScoreGrains:Client:ClusterId"] = serviceId,
            ["Logging:LogLevel:Default"] = "Warning",
        });
        clientBuilder.AddScoreGrainsClient();
        var client = clientBuilder.Build();
        await client.StartAsync();
        return new NotificationsHost(app, client, new Uri($"http://127.0.0.1:{httpPort}"));
    }

    /// <summary>Applies signals through the cluster's ingest grain, as <c>POST /v1/signals</c> does.</summary>
    public async Task<IngestResult> SendAsync(params SignalInput[] signals)
    {
        var result = await Grains.GetGrain<IIngestGrain>(0).IngestAsync(signals);
        Assert.All(result.Outcomes, o => Assert.Equal(SignalStatus.Applied, o.Status));
        return result;
    }

    public async ValueTask DisposeAsync()
    {
        await _client.StopAsync();
        _client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
