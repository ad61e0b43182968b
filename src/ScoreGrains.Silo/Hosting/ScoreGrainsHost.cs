using ScoreGrains.Grains.Hosting;
using Orleans.Dashboard;
using ScoreGrains.Silo.Api;
using ScoreGrains.Silo.Notifications;

namespace ScoreGrains.Silo.Hosting;

/// <summary>Builds the one ScoreGrains process: an Orleans silo co-hosted with the HTTP API.</summary>
public static class ScoreGrainsHost
{
    /// <summary>
    /// Opens the database (the configured server, or a private embedded one), then builds the app. The database
    /// is stopped after the app has stopped, so the silo can still write its last state on the way down.
    /// </summary>
    public static async Task<WebApplication> BuildAsync(string[] args, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateBuilder(args);
        var database = await ScoreGrainsDatabase.OpenAsync(builder.Configuration, builder.Environment, cancellationToken);
        try
        {
            builder.Services.AddSingleton(database);
            builder.UseOrleans(silo => silo
                .UseScoreGrainsClustering(builder.Configuration)
                .AddScoreGrains(database.ConnectionString)
                .AddDashboard());
            builder.AddScoreGrainsApi();
            builder.AddScoreGrainsDashboard();

            var app = builder.Build();
            app.Lifetime.ApplicationStopped.Register(() => database.DisposeAsync().AsTask().GetAwaiter().GetResult());
            app.MapScoreGrainsApi();
            app.MapScoreGrainsNotifications();
            app.MapOrleansDashboard(routePrefix: "/orleans");
            return app;
        }
        catch
        {
            await database.DisposeAsync();
            throw;
        }
    }
}
