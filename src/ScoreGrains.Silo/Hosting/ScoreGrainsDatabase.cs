using Npgsql;
using ScoreGrains.Postgres;

namespace ScoreGrains.Silo.Hosting;

/// <summary>
/// The PostgreSQL database the silo stores into: the server named by <c>ConnectionStrings:ScoreGrains</c>, or,
/// when none is configured, a private embedded server in <c>ScoreGrains:Embedded:DataDirectory</c> that lives
/// and dies with this process. Either way the schema from <c>cluster-config/postgres</c> is applied first.
/// </summary>
public sealed class ScoreGrainsDatabase : IAsyncDisposable
{
    public const string ConnectionStringName = "ScoreGrains";

    /// <summary>The embedded server's settings (<see cref="EmbeddedPostgresOptions"/>), when no connection string is given.</summary>
    public const string EmbeddedSection = "ScoreGrains:Embedded";

    /// <summary>The folder of the schema scripts, relative to the silo's binaries.</summary>
    public const string SchemaDirectorySetting = "ScoreGrains:SchemaDirectory";

    /// <summary>
    /// The embedded server's folder when <c>ScoreGrains:Embedded:DataDirectory</c> is not set, relative to the content
    /// root. A default here and not only in appsettings.json: started from a folder without that file, the silo would
    /// otherwise make the folder itself the server's (private, and the postgres user's when run as root).
    /// </summary>
    public const string DefaultDataDirectory = "data/postgres";

    private readonly EmbeddedPostgres? _embedded;

    // Logs the embedded server's start and its stop, at the silo's end: kept as long as the server.
    private readonly ILoggerFactory _loggerFactory;

    private ScoreGrainsDatabase(string connectionString, EmbeddedPostgres? embedded, ILoggerFactory loggerFactory)
    {
        ConnectionString = connectionString;
        _embedded = embedded;
        _loggerFactory = loggerFactory;
    }

    public string ConnectionString { get; }

    public static async Task<ScoreGrainsDatabase> OpenAsync(IConfiguration configuration, IHostEnvironment environment, CancellationToken cancellationToken)
    {
        var loggerFactory = LoggerFactory.Create(logging => logging.AddConfiguration(configuration.GetSection("Logging")).AddSimpleConsole(o => o.SingleLine = true));
        var logger = loggerFactory.CreateLogger<ScoreGrainsDatabase>();
        EmbeddedPostgres? embedded = null;
        try
        {
            var connectionString = configuration.GetConnectionString(ConnectionStringName);
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                var options = new EmbeddedPostgresOptions();
                configuration.GetSection(EmbeddedSection).Bind(options);
                options.DataDirectory = Path.GetFullPath(
                    string.IsNullOrWhiteSpace(options.DataDirectory) ? DefaultDataDirectory : options.DataDirectory, environment.ContentRootPath);
                embedded = await EmbeddedPostgres.StartAsync(options, logger, cancellationToken);
                connectionString = embedded.ConnectionString;
            }

            // Orleans' ADO.NET storage does not prepare its statements: Npgsql's auto-prepare gave it +70% writes/s on
            // this machine. The silo's own statements opt out again (ScoreGrainsSiloBuilderExtensions says why).
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            if (builder.MaxAutoPrepare == 0)
            {
                builder.MaxAutoPrepare = 64;
                builder.AutoPrepareMinUsages = 2;
                connectionString = builder.ConnectionString;
            }

            var scripts = Path.Combine(AppContext.BaseDirectory, configuration[SchemaDirectorySetting] ?? "cluster-config/postgres");
            await SchemaMigrator.ApplyAsync(connectionString, scripts, logger, cancellationToken);
            return new ScoreGrainsDatabase(connectionString, embedded, loggerFactory);
        }
        catch
        {
            if (embedded is not null)
            {
                await embedded.DisposeAsync();
            }

            loggerFactory.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_embedded is not null)
        {
            await _embedded.DisposeAsync();
        }

        _loggerFactory.Dispose();
    }
}
