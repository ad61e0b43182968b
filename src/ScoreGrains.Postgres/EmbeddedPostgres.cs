using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ScoreGrains.Postgres;

/// <summary>
/// A private PostgreSQL server on 127.0.0.1, run from the machine's own binaries in a data folder of
/// its own: the silo's default store when no connection string is configured, and the tests' throwaway server.
/// </summary>
public sealed class EmbeddedPostgres : IAsyncDisposable
{
    private const string SuperUser = "postgres";
    private const string SettingsFile = "scoregrains.conf";
    private const int MaxPortAttempts = 3;

    private const string GlibcTunables = "GLIBC_TUNABLES";

    internal const string MallocTunables = "glibc.malloc.trim_threshold=33554432:glibc.malloc.top_pad=16777216";

    // A unix socket path must fit in sockaddr_un (107 bytes on Linux, 103 on macOS).
    private const int MaxSocketPathBytes = 100;

    private readonly EmbeddedPostgresOptions _options;
    private readonly PostgresBinaries _binaries;
    private readonly ILogger _logger;
    private readonly string _pgData;
    private readonly string _adminConnectionString;
    private FileStream? _folderLock;
    private bool _stopped;

    private EmbeddedPostgres(
        EmbeddedPostgresOptions options,
        PostgresBinaries binaries,
        ILogger logger,
        string dataDirectory,
        FileStream folderLock,
        int port,
        string serverVersion)
    {
        _options = options;
        _binaries = binaries;
        _logger = logger;
        _folderLock = folderLock;
        DataDirectory = dataDirectory;
        _pgData = PgDataOf(dataDirectory);
        Port = port;
        ServerVersion = serverVersion;
        ConnectionString = BuildConnectionString(port, options.DatabaseName);
        _adminConnectionString = BuildConnectionString(port, "postgres");
    }

    /// <summary>The Npgsql connection string of the application database (auto-prepare on).</summary>
    public string ConnectionString { get; }

    /// <summary>The TCP port the server listens on, on 127.0.0.1 only.</summary>
    public int Port { get; }

    /// <summary>The full path of the folder holding the server's files.</summary>
    public string DataDirectory { get; }

    /// <summary>The server's version string, e.g. "15.14 (Debian 15.14-0+deb12u1)".</summary>
    public string ServerVersion { get; }

    /// <summary>
    /// Starts (initialising on first use) a server in <see cref="EmbeddedPostgresOptions.DataDirectory"/>
    /// and creates the application database. A server left running on that folder by a killed process is
    /// stopped first; a stale postmaster.pid is removed.
    /// </summary>
    /// <exception cref="PostgresNotInstalledException">No PostgreSQL server binaries were found.</exception>
    public static async Task<EmbeddedPostgres> StartAsync(
        EmbeddedPostgresOptions options, ILogger logger, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            throw new ArgumentException("EmbeddedPostgresOptions.DataDirectory is required.", nameof(options));
        }

        if (string.IsNullOrWhiteSpace(options.DatabaseName))
        {
            throw new ArgumentException("EmbeddedPostgresOptions.DatabaseName is required.", nameof(options));
        }

        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException(
                "The embedded PostgreSQL server runs on Linux and macOS; on Windows set the connection string "
                + $"`{PostgresNotInstalledException.ConnectionStringKey}` to an external server.");
        }

        var dataDirectory = Path.TrimEndingDirectorySeparator(Path.GetFullPath(options.DataDirectory));
        var pgData = PgDataOf(dataDirectory);
        Directory.CreateDirectory(dataDirectory);
        var folderLock = LockFolder(dataDirectory);
        PostgresBinaries? started = null;
        try
        {
            var existingVersion = ReadClusterMajorVersion(pgData);
            var binaries = await PostgresBinaries.FindAsync(options, existingVersion, ct).ConfigureAwait(false);
            await PrepareFolderAsync(dataDirectory, ct).ConfigureAwait(false);
            if (existingVersion is null)
            {
                await InitDbAsync(binaries, options, pgData, logger, ct).ConfigureAwait(false);
            }
            else
            {
                await StopOrphanAsync(binaries, options, pgData, logger, ct).ConfigureAwait(false);
            }

            var port = await StartServerAsync(binaries, options, dataDirectory, logger, ct).ConfigureAwait(false);
            started = binaries;
            var serverVersion = await CreateDatabaseAsync(port, options.DatabaseName, ct).ConfigureAwait(false);
            var server = new EmbeddedPostgres(options, binaries, logger, dataDirectory, folderLock, port, serverVersion);
            logger.LogInformation(
                "Embedded PostgreSQL {Version} listening on 127.0.0.1:{Port}, database {Database}, data folder {DataDirectory} ({Durability})",
                serverVersion,
                port,
                options.DatabaseName,
                dataDirectory,
                options.Durable ? "durable" : "NOT durable: fsync off");
            return server;
        }
        catch
        {
            if (started is not null)
            {
                await StopAsync(started, options, pgData, CancellationToken.None).ConfigureAwait(false);
            }

            await folderLock.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Stops the server (<c>pg_ctl stop -m fast</c>) and deletes the data folder if it is a throwaway one.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        foreach (var connectionString in new[] { ConnectionString, _adminConnectionString })
        {
            // Pooled connections would otherwise be broken by the shutdown and fail on their next use.
            using var pooled = new NpgsqlConnection(connectionString);
            NpgsqlConnection.ClearPool(pooled);
        }

        try
        {
            await StopAsync(_binaries, _options, _pgData, CancellationToken.None).ConfigureAwait(false);
            _logger.LogInformation("Embedded PostgreSQL on port {Port} stopped", Port);
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
        {
            _logger.LogError(ex, "Embedded PostgreSQL on port {Port} did not stop cleanly", Port);
        }

        ReleaseFolder();
        if (_options.DeleteOnDispose)
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
    }

    /// <summary>
    /// Lets go of the folder but leaves the server running, as a process killed with -9 would: tests use
    /// it to leave an orphan server behind.
    /// </summary>
    internal void Detach()
    {
        _stopped = true;
        ReleaseFolder();
    }

    private void ReleaseFolder()
    {
        _folderLock?.Dispose();
        _folderLock = null;
    }

    private static string PgDataOf(string dataDirectory) => Path.Combine(dataDirectory, "pgdata");

    private static string LogPathOf(string dataDirectory) => Path.Combine(dataDirectory, "postgres.log");

    private static string SocketDirectoryOf(string dataDirectory) => Path.Combine(dataDirectory, "run");

    private static string BuildConnectionString(int port, string database) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = port,
            Database = database,
            Username = SuperUser,
        }.ConnectionString;

    /// <summary>
    /// One process per folder: a second silo pointed at the same folder must not stop the first one's
    /// server as an "orphan". The OS drops this lock when its process dies, even with kill -9.
    /// </summary>
    private static FileStream LockFolder(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, "embedded.lock");
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            throw new InvalidOperationException(
                $"The embedded PostgreSQL data folder {dataDirectory} is in use by another running process"
                + $" (lock {path}). Give each silo its own data folder, or point them all at one server"
                + $" with `{PostgresNotInstalledException.ConnectionStringKey}`.",
                ex);
        }
    }

    private static int? ReadClusterMajorVersion(string pgData)
    {
        var path = Path.Combine(pgData, "PG_VERSION");
        if (!File.Exists(path))
        {
            return null;
        }

        var text = File.ReadAllText(path).Trim();
        return int.TryParse(text.Split('.')[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major)
            ? major
            : throw new InvalidOperationException($"Unreadable PostgreSQL version '{text}' in {path}.");
    }

    /// <summary>When root, hands the folder to the postgres user and checks that user can reach it.</summary>
    private static async Task PrepareFolderAsync(string dataDirectory, CancellationToken ct)
    {
        var socketDirectory = SocketDirectoryOf(dataDirectory);
        Directory.CreateDirectory(socketDirectory);
        if (!OperatingSystem.IsWindows())
        {
            const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
            File.SetUnixFileMode(dataDirectory, OwnerOnly);
            File.SetUnixFileMode(socketDirectory, OwnerOnly);
        }

        if (!ToolRunner.MustSwitchUser)
        {
            return;
        }

        var owner = ToolRunner.ServiceUser + ":";
        var chown = await ToolRunner.RunAsync(
            "chown", [owner, dataDirectory, socketDirectory], TimeSpan.FromSeconds(30), ct, asServiceUser: false)
            .ConfigureAwait(false);
        if (!chown.Succeeded)
        {
            throw new InvalidOperationException(
                $"This process is root, so PostgreSQL must run as the '{ToolRunner.ServiceUser}' user, but giving it"
                + $" {dataDirectory} failed: {chown.Output}. Create the user (the Debian package"
                + $" `{PostgresNotInstalledException.InstallCommand}` does) or run the silo as an unprivileged user.");
        }

        var reach = await ToolRunner.RunAsync("test", ["-w", dataDirectory], TimeSpan.FromSeconds(30), ct)
            .ConfigureAwait(false);
        if (!reach.Succeeded)
        {
            throw new InvalidOperationException(
                $"This process is root, so PostgreSQL runs as the '{ToolRunner.ServiceUser}' user, which cannot reach"
                + $" {dataDirectory} {reach.Output}. Every parent folder must be searchable by others (o+x):"
                + " choose a data folder such as /var/lib/scoregrains, or run the silo as an unprivileged user.");
        }
    }

    private static async Task InitDbAsync(
        PostgresBinaries binaries, EmbeddedPostgresOptions options, string pgData, ILogger logger, CancellationToken ct)
    {
        logger.LogInformation("Initialising a new PostgreSQL {Major} cluster in {PgData}", binaries.MajorVersion, pgData);
        List<string> arguments =
        [
            "--pgdata", pgData,
            "--username", SuperUser,
            // Trust: any local user of this machine may connect over 127.0.0.1 (the unix socket is owner-only).
            // Acceptable for a private per-silo instance on a developer machine or CI container; a shared or
            // production deployment uses an external server with credentials (ConnectionStrings:ScoreGrains).
            "--auth", "trust",
            "--encoding", "UTF8",
            "--locale", "C",
        ];
        if (binaries.MajorVersion >= 14)
        {
            arguments.Add("--no-instructions");
        }

        if (!options.Durable)
        {
            arguments.Add("--no-sync");
        }

        var result = await ToolRunner.RunAsync(binaries.InitDb, arguments, options.StartTimeout, ct).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(
                $"initdb failed for {pgData} (exit code {result.ExitCode}):{Environment.NewLine}{result.Output}");
        }
    }

    /// <summary>
    /// A silo killed with -9 leaves its server running on the folder: stop it (we hold the folder lock, so
    /// no live process owns it). A postmaster.pid whose pid is dead or now belongs to another process is
    /// stale: remove it so it cannot block the start.
    /// </summary>
    private static async Task StopOrphanAsync(
        PostgresBinaries binaries, EmbeddedPostgresOptions options, string pgData, ILogger logger, CancellationToken ct)
    {
        var pidFile = PostmasterPidFile.TryRead(pgData);
        if (pidFile is null)
        {
            return;
        }

        if (!pidFile.IsLivePostmasterOf(pgData))
        {
            logger.LogWarning(
                "Removing stale {PidFile} (pid {Pid} is not a running server for {PgData})",
                PostmasterPidFile.FileName,
                pidFile.ProcessId,
                pgData);
            File.Delete(Path.Combine(pgData, PostmasterPidFile.FileName));
            return;
        }

        logger.LogWarning(
            "Stopping PostgreSQL (pid {Pid}, port {Port}) left running on {PgData} by a process that did not shut down",
            pidFile.ProcessId,
            pidFile.Port,
            pgData);
        await StopAsync(binaries, options, pgData, ct).ConfigureAwait(false);
    }

    private static async Task<int> StartServerAsync(
        PostgresBinaries binaries, EmbeddedPostgresOptions options, string dataDirectory, ILogger logger, CancellationToken ct)
    {
        var pgData = PgDataOf(dataDirectory);
        var logPath = LogPathOf(dataDirectory);
        for (var attempt = 1; ; attempt++)
        {
            var port = options.Port != 0 ? options.Port : FreeLoopbackPort();
            await WriteSettingsAsync(options, dataDirectory, port, ct).ConfigureAwait(false);
            var logStart = File.Exists(logPath) ? new FileInfo(logPath).Length : 0;
            var timeoutSeconds = ((int)Math.Ceiling(options.StartTimeout.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            var result = await ToolRunner.RunAsync(
                binaries.PgCtl,
                ["start", "--pgdata", pgData, "--log", logPath, "--wait", "--timeout", timeoutSeconds, "--silent"],
                options.StartTimeout + TimeSpan.FromSeconds(10),
                ct,
                environment: ServerEnvironment()).ConfigureAwait(false);
            if (result.Succeeded)
            {
                return port;
            }

            var log = ReadLogTail(logPath, logStart);
            if (options.Port == 0 && attempt < MaxPortAttempts && log.Contains("could not bind", StringComparison.Ordinal))
            {
                // Another process took the free port between our probe and the server's bind.
                logger.LogWarning("Port {Port} was taken before PostgreSQL could bind it; trying another", port);
                continue;
            }

            throw new InvalidOperationException(
                $"PostgreSQL did not start on 127.0.0.1:{port} from {pgData} (pg_ctl exit code {result.ExitCode}:"
                + $" {result.Output}). Server log {logPath}, last lines:{Environment.NewLine}{log}");
        }
    }

    /// <summary>
    /// glibc hands freed heap back to the kernel as soon as 128 KB sit free at its top, so every group-commit COPY
    /// grew and shrank its backend's heap, and each shrink is a TLB shootdown across cores: with the page faults of
    /// growing again, a tenth of PostgreSQL's CPU at 18k signals/s (loadtests/HISTORY.md). Backends keep up to 32 MB
    /// free instead. An operator's own <c>GLIBC_TUNABLES</c> wins.
    /// </summary>
    private static Dictionary<string, string>? ServerEnvironment() =>
        OperatingSystem.IsLinux() && Environment.GetEnvironmentVariable(GlibcTunables) is null
            ? new Dictionary<string, string> { [GlibcTunables] = MallocTunables }
            : null;

    /// <summary>A quarter of the memory this process may use, between PostgreSQL's stock 128 MB and 2 GB.</summary>
    private static long SharedBuffersMegabytes() =>
        Math.Clamp(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 4 / (1024 * 1024), 128, 2048);

    private static async Task WriteSettingsAsync(
        EmbeddedPostgresOptions options, string dataDirectory, int port, CancellationToken ct)
    {
        var socketDirectory = SocketDirectoryOf(dataDirectory);
        var socketPath = Path.Combine(socketDirectory, $".s.PGSQL.{port}.lock");
        var useSocket = Encoding.UTF8.GetByteCount(socketPath) <= MaxSocketPathBytes;
        var onOff = options.Durable ? "on" : "off";
        var settings = new StringBuilder()
            .AppendLine("# Written by ScoreGrains at each start of the embedded server; edits are overwritten.")
            .AppendLine("listen_addresses = '127.0.0.1'")
            .AppendLine(CultureInfo.InvariantCulture, $"port = {port}")
            // Our own socket folder (never the system's /var/run/postgresql); none when the path is too long.
            .AppendLine(CultureInfo.InvariantCulture, $"unix_socket_directories = '{(useSocket ? Quote(socketDirectory) : "")}'")
            .AppendLine("unix_socket_permissions = 0700")
            .AppendLine(CultureInfo.InvariantCulture, $"fsync = {onOff}")
            .AppendLine(CultureInfo.InvariantCulture, $"synchronous_commit = {onOff}")
            .AppendLine(CultureInfo.InvariantCulture, $"full_page_writes = {onOff}")
            // A silo holds two pools (its own, and grain storage's), each up to Npgsql's 100; tests put several silos on one server.
            .AppendLine("max_connections = 300")
            // The journal's indexes take inserts all over: past a few million rows they outgrow the stock 128 MB,
            // and every insert then evicts a dirty page (backends wrote 840k buffers in two minutes at 22k signals/s).
            .AppendLine(CultureInfo.InvariantCulture, $"shared_buffers = {SharedBuffersMegabytes()}MB")
            // At the stock 1 GB of WAL a checkpoint started every ~50 s at 22k signals/s, and after each one the first
            // change to a page logs the whole page. Crash recovery replays at most this much WAL.
            .AppendLine("max_wal_size = 4GB")
            .AppendLine("checkpoint_timeout = 15min")
            .ToString();
        var pgData = PgDataOf(dataDirectory);
        var path = Path.Combine(pgData, SettingsFile);
        await File.WriteAllTextAsync(path, settings, ct).ConfigureAwait(false);

        // Our settings live in a file of their own, included from postgresql.conf: pg_ctl -o goes through a shell.
        var mainConf = Path.Combine(pgData, "postgresql.conf");
        var include = $"include_if_exists = '{SettingsFile}'";
        if (!(await File.ReadAllTextAsync(mainConf, ct).ConfigureAwait(false)).Contains(include, StringComparison.Ordinal))
        {
            await File.AppendAllTextAsync(
                mainConf, $"{Environment.NewLine}# ScoreGrains embedded server settings{Environment.NewLine}{include}{Environment.NewLine}", ct)
                .ConfigureAwait(false);
        }
        if (!OperatingSystem.IsWindows())
        {
            // Root writes it; the postgres user must read it.
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }

        static string Quote(string value) => value.Replace("'", "''", StringComparison.Ordinal);
    }

    private static async Task StopAsync(
        PostgresBinaries binaries, EmbeddedPostgresOptions options, string pgData, CancellationToken ct)
    {
        var timeoutSeconds = ((int)Math.Ceiling(options.StartTimeout.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        var limit = options.StartTimeout + TimeSpan.FromSeconds(10);
        var fast = await ToolRunner.RunAsync(
            binaries.PgCtl, ["stop", "--pgdata", pgData, "--mode", "fast", "--wait", "--timeout", timeoutSeconds, "--silent"], limit, ct)
            .ConfigureAwait(false);
        if (fast.Succeeded || !IsRunning(pgData))
        {
            return;
        }

        // Fast shutdown waits for a checkpoint; immediate does not (crash recovery at the next start).
        var immediate = await ToolRunner.RunAsync(
            binaries.PgCtl, ["stop", "--pgdata", pgData, "--mode", "immediate", "--wait", "--timeout", timeoutSeconds, "--silent"], limit, ct)
            .ConfigureAwait(false);
        if (!immediate.Succeeded && IsRunning(pgData))
        {
            throw new InvalidOperationException(
                $"Could not stop the PostgreSQL server on {pgData}: {fast.Output} {immediate.Output}");
        }
    }

    private static bool IsRunning(string pgData) =>
        PostmasterPidFile.TryRead(pgData)?.IsLivePostmasterOf(pgData) == true;

    private static async Task<string> CreateDatabaseAsync(int port, string database, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(BuildConnectionString(port, "postgres"));
        await connection.OpenAsync(ct).ConfigureAwait(false);
        await using (var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection))
        {
            exists.Parameters.AddWithValue("name", database);
            if (await exists.ExecuteScalarAsync(ct).ConfigureAwait(false) is null)
            {
                var quoted = "\"" + database.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
#pragma warning disable CA2100 // The database name is quoted as an identifier; DDL takes no parameters.
                await using var create = new NpgsqlCommand($"CREATE DATABASE {quoted}", connection);
#pragma warning restore CA2100
                await create.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
        }

        return connection.ServerVersion;
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static string ReadLogTail(string logPath, long from, int lines = 40)
    {
        try
        {
            using var stream = new FileStream(logPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            stream.Seek(Math.Min(from, stream.Length), SeekOrigin.Begin);
            using var reader = new StreamReader(stream);
            var text = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            return string.Join(Environment.NewLine, text.TakeLast(lines));
        }
        catch (IOException ex)
        {
            return $"(log unreadable: {ex.Message})";
        }
    }
}
