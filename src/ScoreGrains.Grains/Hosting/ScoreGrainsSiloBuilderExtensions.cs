using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using ScoreGrains.Grains.Notifications;
using ScoreGrains.Postgres.Journal;
using ScoreGrains.Scoring;

namespace ScoreGrains.Grains.Hosting;

/// <summary>Wires the subject and ingest grains, their scoring models and their storage into a silo.</summary>
public static class ScoreGrainsSiloBuilderExtensions
{
    /// <summary>Configuration section of <see cref="JournalOptions"/>.</summary>
    public const string JournalSection = "ScoreGrains:Journal";

    /// <summary>
    /// Adds ScoreGrains to a silo. <paramref name="connectionString"/> is the PostgreSQL database that holds
    /// the schema from <c>cluster-config/postgres</c>. Options bind from the <c>ScoreGrains</c> section.
    /// </summary>
    public static ISiloBuilder AddScoreGrains(this ISiloBuilder silo, string connectionString)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);

        silo.Services.AddOptions<ScoreGrainsOptions>()
            .Bind(silo.Configuration.GetSection(ScoreGrainsOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        silo.Services.AddSingleton(TimeProvider.System);
        silo.Services.AddSingleton(sp => ModelCatalog.LoadDirectory(
            Path.Combine(AppContext.BaseDirectory, sp.GetRequiredService<IOptions<ScoreGrainsOptions>>().Value.ModelsDirectory)));

        // No prepared statements for our own queries: a prepared statement soon gets PostgreSQL's generic plan, which
        // (before PostgreSQL 18) locks and sets up all 32 journal partitions and their indexes on every execution;
        // an unprepared per-subject query is planned for its one partition. Grain storage keeps auto-prepare.
        silo.Services.AddSingleton(_ => NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { MaxAutoPrepare = 0 }.ConnectionString));
        silo.Services.AddOptions<JournalOptions>()
            .Bind(silo.Configuration.GetSection(JournalSection))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        silo.Services.AddSingleton(sp => new SignalJournal(
            sp.GetRequiredService<NpgsqlDataSource>(),
            sp.GetRequiredService<IOptions<JournalOptions>>().Value,
            sp.GetRequiredService<ILogger<SignalJournal>>()));
        silo.Services.AddSingleton<JournalReader>();
        silo.Services.AddSingleton(sp => new RecordedSignalLookup(
            sp.GetRequiredService<NpgsqlDataSource>(),
            sp.GetRequiredService<IOptions<JournalOptions>>().Value));

        // System.Text.Json instead of the provider's default Newtonsoft with $type names: renaming a type
        // must not break stored state.
        silo.UseSystemTextJsonGrainStorageSerializer();
        silo.AddAdoNetGrainStorage(StorageNames.Subjects, options =>
        {
            options.Invariant = "Npgsql";
            options.ConnectionString = connectionString;
        });
        silo.AddScoreGrainsNotifications(connectionString);
        return silo;
    }
}
