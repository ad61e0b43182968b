using ScoreGrains.Grains.Hosting;
using Orleans.Dashboard;
using ScoreGrains.Silo.Api;
using ScoreGrains.Silo.Notifications;
using ScoreGrains.Silo.Observability;
using ScoreGrains.Silo.Security;

namespace ScoreGrains.Silo.Hosting;

/// <summary>Builds the one ScoreGrains process: an Orleans silo co-hosted with the HTTP API.</summary>
public static class ScoreGrainsHost
{
    /// <summary>
    /// Serves the Orleans Dashboard at <c>/orleans/</c> when true. Off by default: its grain-call profiler (a filter
    /// on every grain call) and its 1 s metric reader cost 15-20% of the CPU of each subject call, measured with the
    /// load test's yardstick (loadtests/HISTORY.md). Turn it on where that is worth paying.
    /// </summary>
    public const string OrleansDashboardSetting = "ScoreGrains:OrleansDashboard";

    /// <summary>
    /// Settings are read once, at start. The stock reload-on-change watches the whole content root, every folder
    /// under it, and the embedded PostgreSQL keeps its data there by default (<c>data/postgres</c>): each of its
    /// writes reached the silo as a file event to match against appsettings.json, 2.5% of the silo's CPU at 40,000
    /// signals/s (loadtests/HISTORY.md). A later <c>--hostBuilder:reloadConfigOnChange=true</c> turns it back on.
    /// </summary>
    private const string NoConfigurationReload = "--hostBuilder:reloadConfigOnChange=false";

    /// <summary>
    /// Where the HTTP API and the dashboard listen unless <c>Urls</c> (or <c>--urls</c>, <c>ASPNETCORE_URLS</c>) says
    /// otherwise: loopback only. A default here and not in appsettings.json, so it holds wherever the silo is started from.
    /// </summary>
    public const string DefaultUrls = "http://127.0.0.1:5080";

    /// <summary>
    /// Opens the database (the configured server, or a private embedded one), then builds the app. The database
    /// is stopped after the app has stopped, so the silo can still write its last state on the way down.
    /// </summary>
    /// <exception cref="InvalidOperationException">
    /// A setting under <c>ScoreGrains</c> that nothing reads (<see cref="UnknownSettings"/>), cluster settings that
    /// cannot make a cluster (<see cref="ClusteringSiloBuilderExtensions.ReadClusterOptions"/>), or TLS files that
    /// cannot serve (<see cref="TlsSiloBuilderExtensions.ReadTls"/>).
    /// </exception>
    public static async Task<WebApplication> BuildAsync(string[] args, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateBuilder([NoConfigurationReload, .. args]);
        UnknownSettings.ThrowIfAny(builder.Configuration);
        if (string.IsNullOrWhiteSpace(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
        {
            builder.WebHost.UseUrls(DefaultUrls);
        }

        builder.AddScoreGrainsSecurity(HttpUrls(builder.Configuration));

        var cluster = ClusteringSiloBuilderExtensions.ReadClusterOptions(builder.Configuration);
        var tls = TlsSiloBuilderExtensions.ReadTls(cluster);
        var database = await ScoreGrainsDatabase.OpenAsync(builder.Configuration, builder.Environment, cancellationToken);
        try
        {
            builder.Services.AddSingleton(database);
            var orleansDashboard = builder.Configuration.GetValue<bool>(OrleansDashboardSetting);
            builder.UseOrleans(silo =>
            {
                silo.UseScoreGrainsClustering(cluster, database.ConnectionString).UseScoreGrainsTls(tls).AddScoreGrains(database.ConnectionString);
                if (orleansDashboard)
                {
                    silo.AddDashboard();
                }
            });
            builder.AddScoreGrainsApi();
            builder.AddScoreGrainsObservability();
            builder.AddScoreGrainsDashboard();

            var app = builder.Build();
            app.Lifetime.ApplicationStopped.Register(() => database.DisposeAsync().AsTask().GetAwaiter().GetResult());
            if (tls is not null)
            {
                app.Lifetime.ApplicationStopped.Register(tls.Dispose);
            }

            app.UseScoreGrainsErrorResponses();
            app.UseScoreGrainsDashboardFiles();
            app.UseScoreGrainsSecurity();
            app.MapScoreGrainsApi();
            app.MapScoreGrainsObservability();
            app.MapScoreGrainsNotifications();
            if (orleansDashboard)
            {
                app.MapOrleansDashboard(routePrefix: "/orleans").RequireRole(Roles.Admin);
            }

            return app;
        }
        catch
        {
            tls?.Dispose();
            await database.DisposeAsync();
            throw;
        }
    }

    /// <summary>Every address the HTTP API will listen on: <c>Urls</c> (or its default) and Kestrel's configured endpoints.</summary>
    private static List<string> HttpUrls(ConfigurationManager configuration) =>
    [
        .. (configuration[WebHostDefaults.ServerUrlsKey] ?? DefaultUrls).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        .. configuration.GetSection("Kestrel:Endpoints").GetChildren().Select(e => e["Url"]).OfType<string>(),
    ];
}
