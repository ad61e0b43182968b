using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
using ScoreGrains.Grains.Observability;
using ScoreGrains.Postgres.Crossings;

namespace ScoreGrains.Grains.Notifications;

/// <summary>Wires crossing notifications into a silo: the per-silo sink, the kind feeds, the durable feed reader and the live figures.</summary>
public static class NotificationsSiloBuilderExtensions
{
    /// <summary>
    /// Adds notifications (once; a second call does nothing). The <c>crossings</c> table is read through the
    /// silo's <see cref="NpgsqlDataSource"/>, registered by <c>AddScoreGrains</c>, which this needs (also for the
    /// model catalog). Options bind from <c>ScoreGrains:Notifications</c>.
    /// </summary>
    public static ISiloBuilder AddScoreGrainsNotifications(this ISiloBuilder silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        if (silo.Services.Any(s => s.ServiceType == typeof(CrossingHub)))
        {
            return silo;
        }

        silo.Services.AddOptions<NotificationOptions>()
            .Bind(silo.Configuration.GetSection(NotificationOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        silo.Services.AddSingleton<NotificationCounters>();
        silo.Services.AddSingleton<SubjectBandTally>();
        silo.Services.TryAddSingleton<ScoreGrainsMetrics>();
        silo.Services.AddSingleton<CrossingHub>();
        silo.Services.AddSingleton<ICrossingSink>(sp => sp.GetRequiredService<CrossingHub>());
        silo.Services.AddSingleton(sp => new CrossingFeedReader(sp.GetRequiredService<NpgsqlDataSource>()));
        silo.Services.AddHostedService<SiloStatsReporter>();
        return silo;
    }
}
