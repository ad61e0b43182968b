using Microsoft.Extensions.DependencyInjection;
using ScoreGrains.Postgres.Crossings;

namespace ScoreGrains.Grains.Notifications;

/// <summary>Wires crossing notifications into a silo: the per-silo sink, the kind feeds, the durable feed reader and the live figures.</summary>
public static class NotificationsSiloBuilderExtensions
{
    /// <summary>
    /// Adds notifications. <paramref name="connectionString"/> is the database holding the <c>crossings</c> table.
    /// Needs <c>AddScoreGrains</c> (the model catalog). Options bind from <c>ScoreGrains:Notifications</c>.
    /// </summary>
    public static ISiloBuilder AddScoreGrainsNotifications(this ISiloBuilder silo, string connectionString)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        silo.Services.AddOptions<NotificationOptions>()
            .Bind(silo.Configuration.GetSection(NotificationOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        silo.Services.AddSingleton<NotificationCounters>();
        silo.Services.AddSingleton<SubjectBandTally>();
        silo.Services.AddSingleton<CrossingHub>();
        silo.Services.AddSingleton<ICrossingSink>(sp => sp.GetRequiredService<CrossingHub>());
        silo.Services.AddSingleton(_ => new CrossingFeedReader(connectionString));
        silo.Services.AddHostedService<SiloStatsReporter>();
        silo.AddIncomingGrainCallFilter<IngestCounter>();
        return silo;
    }
}
