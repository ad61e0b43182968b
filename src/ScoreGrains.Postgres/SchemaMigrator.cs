using Microsoft.Extensions.Logging;
using Npgsql;

namespace ScoreGrains.Postgres;

/// <summary>
/// Applies the versioned scripts of <c>cluster-config/postgres/</c> (<c>V001__name.sql</c>, ...) in order,
/// each in its own transaction, and records them in <c>schema_migrations</c>. Safe to run from several
/// silos at once and at every start-up: applied scripts are skipped, an edited applied script is an error.
/// </summary>
public static class SchemaMigrator
{
    /// <summary>The advisory lock key that serialises migrators across silos ("ScoreGrn" in ASCII).</summary>
    internal const long LockKey = 0x53636f726547726e;

    /// <summary>Brings the database's schema up to the scripts in <paramref name="scriptsDirectory"/>.</summary>
    /// <exception cref="InvalidOperationException">An applied script was changed, or a script failed.</exception>
    public static async Task ApplyAsync(
        string connectionString, string scriptsDirectory, ILogger logger, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentException.ThrowIfNullOrWhiteSpace(scriptsDirectory);
        ArgumentNullException.ThrowIfNull(logger);
        var scripts = MigrationScript.LoadAll(scriptsDirectory);

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct).ConfigureAwait(false);

        // Session-level lock held across the per-script transactions; the other silos wait here and then
        // find everything applied. Released by the unlock below or, if we die, by the connection closing.
        await ExecuteAsync(connection, null, $"SELECT pg_advisory_lock({LockKey})", ct).ConfigureAwait(false);
        try
        {
            await ExecuteAsync(
                connection,
                null,
                """
                CREATE TABLE IF NOT EXISTS schema_migrations
                (
                    version integer PRIMARY KEY,
                    name text NOT NULL,
                    checksum text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """,
                ct).ConfigureAwait(false);

            var applied = await ReadAppliedAsync(connection, ct).ConfigureAwait(false);
            Verify(scripts, applied, scriptsDirectory, logger);
            var pending = scripts.Where(s => !applied.ContainsKey(s.Version)).ToList();
            foreach (var script in pending)
            {
                await ApplyScriptAsync(connection, script, scriptsDirectory, ct).ConfigureAwait(false);
                logger.LogInformation("Applied schema script {Script}", script.FileName);
            }

            logger.LogInformation(
                "Database schema is at version {Version} ({Applied} script(s) applied now, {Total} known)",
                scripts.Count > 0 ? scripts[^1].Version : 0,
                pending.Count,
                scripts.Count);
        }
        finally
        {
            if (connection.State == System.Data.ConnectionState.Open)
            {
                await ExecuteAsync(connection, null, $"SELECT pg_advisory_unlock({LockKey})", CancellationToken.None)
                    .ConfigureAwait(false);
            }
        }
    }

    private static void Verify(
        IReadOnlyList<MigrationScript> scripts,
        Dictionary<int, (string Name, string Checksum)> applied,
        string scriptsDirectory,
        ILogger logger)
    {
        foreach (var script in scripts)
        {
            if (applied.TryGetValue(script.Version, out var record) && record.Checksum != script.Checksum)
            {
                throw new InvalidOperationException(
                    $"Schema script {Path.Combine(scriptsDirectory, script.FileName)} was changed after it was applied"
                    + $" (checksum in schema_migrations {record.Checksum}, file {script.Checksum})."
                    + " Applied scripts are history: restore the file and put the change in a new script with a higher version.");
            }
        }

        var known = scripts.Select(s => s.Version).ToHashSet();
        foreach (var (version, record) in applied.Where(a => !known.Contains(a.Key)))
        {
            // A database migrated by a newer build: tolerated so an older build can still start after a rollback.
            logger.LogWarning(
                "Schema script version {Version} ({Name}) is applied in the database but not present in {Folder}",
                version,
                record.Name,
                scriptsDirectory);
        }
    }

    private static async Task ApplyScriptAsync(
        NpgsqlConnection connection, MigrationScript script, string scriptsDirectory, CancellationToken ct)
    {
        await using var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        try
        {
            await ExecuteAsync(connection, transaction, script.Sql, ct).ConfigureAwait(false);
        }
        catch (PostgresException ex)
        {
            throw new InvalidOperationException(
                $"Schema script {Path.Combine(scriptsDirectory, script.FileName)} failed and was rolled back:"
                + $" {ex.SqlState} {ex.MessageText}"
                + (ex.Position > 0 ? $" (at character {ex.Position})" : ""),
                ex);
        }

        await using (var record = new NpgsqlCommand(
            "INSERT INTO schema_migrations (version, name, checksum) VALUES (@version, @name, @checksum)",
            connection,
            transaction))
        {
            record.Parameters.AddWithValue("version", script.Version);
            record.Parameters.AddWithValue("name", script.Name);
            record.Parameters.AddWithValue("checksum", script.Checksum);
            await record.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        await transaction.CommitAsync(ct).ConfigureAwait(false);
    }

    private static async Task<Dictionary<int, (string Name, string Checksum)>> ReadAppliedAsync(
        NpgsqlConnection connection, CancellationToken ct)
    {
        var applied = new Dictionary<int, (string, string)>();
        await using var command = new NpgsqlCommand("SELECT version, name, checksum FROM schema_migrations", connection);
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            applied[reader.GetInt32(0)] = (reader.GetString(1), reader.GetString(2));
        }

        return applied;
    }

    private static async Task ExecuteAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken ct)
    {
#pragma warning disable CA2100 // Scripts from our own configuration folder and constant statements; no user input.
        await using var command = new NpgsqlCommand(sql, connection, transaction);
#pragma warning restore CA2100

        // Waiting for another silo's migration, or building an index, may take longer than the default 30 s;
        // the caller's token bounds it.
        command.CommandTimeout = 0;
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}
