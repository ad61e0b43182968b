using ScoreGrains.Postgres.Rights;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using ScoreGrains.Grains.Ingest;
using ScoreGrains.Grains.Models;
using ScoreGrains.Grains.Notifications;
using ScoreGrains.Grains.Observability;
using ScoreGrains.Grains.Subjects;
using Orleans.Configuration;
using Orleans.Storage;
using ScoreGrains.Postgres.Activation;
using ScoreGrains.Postgres.Journal;
using ScoreGrains.Postgres.Models;
using ScoreGrains.Scoring;

namespace ScoreGrains.Grains.Hosting;

/// <summary>Wires the subject and ingest grains, their scoring models and their storage into a silo.</summary>
public static class ScoreGrainsSiloBuilderExtensions
{
    /// <summary>Configuration section of <see cref="JournalOptions"/>.</summary>
    public const string JournalSection = "ScoreGrains:Journal";

    // Grain storage's pool in journal mode: see StorageConnectionString.
    internal const int SnapshotConnections = 8;

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
        silo.Services.AddOptions<GrainCollectionOptions>().Configure<IOptions<ScoreGrainsOptions>>((collection, scoreGrains) =>
        {
            var settings = scoreGrains.Value;
            collection.ClassSpecificCollectionAge[typeof(SubjectGrain).FullName!] = settings.SubjectIdleAge;
            collection.EnableActivationSheddingOnMemoryPressure = settings.ShedOnMemoryPressure;
            collection.MemoryUsageLimitPercentage = settings.MemoryLimitPercent;
            collection.MemoryUsageTargetPercentage = Math.Min(settings.MemoryTargetPercent, settings.MemoryLimitPercent - 1);
        });
        silo.Services.AddSingleton(TimeProvider.System);
        silo.Services.AddSingleton(sp => new ActiveModels(ModelCatalog.LoadDirectory(
            Path.Combine(AppContext.BaseDirectory, sp.GetRequiredService<IOptions<ScoreGrainsOptions>>().Value.ModelsDirectory))));
        silo.Services.AddSingleton<ModelStore>();
        silo.Services.AddSingleton<SubjectEraser>();
        silo.Services.AddSingleton<DisputeStore>();
        silo.Services.AddSingleton<ModelSync>();
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<ModelSync>());

        // No prepared statements for our own queries: a prepared statement soon gets PostgreSQL's generic plan, which
        // (before PostgreSQL 18) locks and sets up all 32 journal partitions and their indexes on every execution,
        // and is costed once, from whatever the statistics said then. Planned on a young journal, the duplicate
        // lookup's generic plan used the (subject_key, signal_id) index for the subject alone and filtered the ids,
        // reading every entry of a busy subject per lookup: 16 ms each on average as the journal grew to 3M rows,
        // 17 us more of PostgreSQL's CPU per signal (loadtests/HISTORY.md). An unprepared per-subject query is planned
        // for its one partition, with its values. Grain storage keeps auto-prepare.
        // No reset when a connection goes back to the pool: nothing here sets session state, and the reset is one more
        // statement (DISCARD ALL) for PostgreSQL per use.
        silo.Services.AddSingleton(_ => NpgsqlDataSource.Create(
            new NpgsqlConnectionStringBuilder(connectionString) { MaxAutoPrepare = 0, NoResetOnClose = true }.ConnectionString));
        silo.Services.AddOptions<JournalOptions>()
            .Bind(silo.Configuration.GetSection(JournalSection))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        silo.Services.TryAddSingleton<ScoreGrainsMetrics>();
        silo.Services.AddSingleton(sp => new SignalJournal(
            sp.GetRequiredService<NpgsqlDataSource>(),
            sp.GetRequiredService<IOptions<JournalOptions>>().Value,
            sp.GetRequiredService<ILogger<SignalJournal>>(),
            sp.GetRequiredService<ScoreGrainsMetrics>().Meter));
        silo.Services.AddSingleton<JournalReader>();
        silo.Services.AddSingleton<CommitHandoff>();
        silo.Services.AddSingleton<SnapshotPause>();
        silo.Services.AddSingleton<SubjectServices>();
        silo.Services.AddSingleton(sp => new RecordedSignalLookup(
            sp.GetRequiredService<NpgsqlDataSource>(),
            sp.GetRequiredService<IOptions<JournalOptions>>().Value));

        // System.Text.Json instead of the provider's default Newtonsoft with $type names: renaming a type
        // must not break stored state.
        silo.UseSystemTextJsonGrainStorageSerializer();
        silo.AddAdoNetGrainStorage(StorageNames.SubjectsAdoNet, storage => storage.Configure<IOptions<ScoreGrainsOptions>>((options, scoreGrains) =>
        {
            options.Invariant = "Npgsql";
            options.ConnectionString = StorageConnectionString(connectionString, scoreGrains.Value.Persistence);
        }));
        // Subjects set a reminder for the next expiry that moves their band (SubjectGrain.ExpiryReminder).
        silo.UseAdoNetReminderService(reminders => reminders.Configure(options =>
        {
            options.Invariant = "Npgsql";
            options.ConnectionString = connectionString;
        }));
        silo.Services.AddSingleton(sp => new ActivationReader(
            sp.GetRequiredService<NpgsqlDataSource>(),
            sp.GetRequiredService<IOptions<JournalOptions>>().Value,
            sp.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId,
            StorageNames.SubjectState));
        silo.Services.AddKeyedSingleton<IGrainStorage>(StorageNames.Subjects, (sp, _) => new SubjectStateStorage(
            sp.GetRequiredKeyedService<IGrainStorage>(StorageNames.SubjectsAdoNet),
            sp.GetRequiredService<ActivationReader>(),
            sp.GetRequiredService<IOptionsMonitor<AdoNetGrainStorageOptions>>().Get(StorageNames.SubjectsAdoNet).GrainStorageSerializer,
            sp.GetRequiredService<IOptions<ScoreGrainsOptions>>().Value.Persistence));
        silo.AddScoreGrainsNotifications();
        return silo;
    }

    /// <summary>
    /// Grain storage's connections. In journal mode it only loads state at activation and writes a snapshot now and
    /// then, so a few connections serve it: Npgsql hands out its idle connections in turn, and a pool grown to a
    /// hundred during a burst of activations would go round a hundred PostgreSQL backends, each cold when its turn
    /// comes. In per-signal mode it is the write path, and the baseline keeps Npgsql's default pool.
    /// Its statements set no session state, so no reset on return to the pool either.
    /// </summary>
    internal static string StorageConnectionString(string connectionString, PersistenceMode persistence)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { NoResetOnClose = true };
        if (persistence == PersistenceMode.Journal)
        {
            builder.MaxPoolSize = Math.Min(builder.MaxPoolSize, SnapshotConnections);
        }

        return builder.ConnectionString;
    }
}
