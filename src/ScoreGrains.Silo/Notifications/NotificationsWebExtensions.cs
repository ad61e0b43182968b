using Microsoft.Extensions.FileProviders;

namespace ScoreGrains.Silo.Notifications;

/// <summary>Wires the web side of notifications: the SSE feeds, the live figures and the dashboard page at <c>/</c>.</summary>
public static class NotificationsWebExtensions
{
    /// <summary>Adds this silo's web push hub. Needs <c>AddScoreGrainsNotifications</c> on the silo.</summary>
    public static WebApplicationBuilder AddScoreGrainsDashboard(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<CrossingTail>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<CrossingTail>());
        return builder;
    }

    /// <summary>
    /// Serves the dashboard (<c>wwwroot</c>) at <c>/</c>. Call it before <c>UseScoreGrainsSecurity</c>: the page holds no
    /// data and must load without a key so it can ask for one; everything it then reads needs a reader key.
    /// </summary>
    public static WebApplication UseScoreGrainsDashboardFiles(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var files = DashboardFiles(app.Environment);
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = files });
        return app;
    }

    /// <summary>
    /// Maps <c>/v1/crossings</c>, <c>/v1/crossings/stream</c>, <c>/v1/subjects/{kind}/{id}/stream</c>,
    /// <c>/v1/stats</c> and <c>/v1/stats/stream</c>.
    /// </summary>
    public static WebApplication MapScoreGrainsNotifications(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapCrossingEndpoints();
        app.MapSubjectStreamEndpoints();
        app.MapStatsEndpoints();
        return app;
    }

    // The page ships next to the binaries (wwwroot copied to the output), so it is found whatever the working directory.
    private static IFileProvider DashboardFiles(IWebHostEnvironment environment)
    {
        var root = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        return Directory.Exists(root) ? new PhysicalFileProvider(root) : environment.WebRootFileProvider;
    }
}
