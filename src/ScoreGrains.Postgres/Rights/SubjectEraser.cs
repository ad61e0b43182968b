using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace ScoreGrains.Postgres.Rights;

/// <summary>
/// Erases one subject in one transaction: its journal rows, its snapshot (Orleans grain storage), its disputes (their
/// reasons and notes are the subject's words), its expiry reminder, and the personal fields of its crossings (the subject key becomes
/// <c>erased/</c> + the key's SHA-256, the signal id and the reasons are emptied; the crossing keeps its place in the
/// feed, its bands and scores, so the feed's positions and band counts stay true), then records a tombstone (V015).
/// Either all of it happens or none.
/// </summary>
public sealed class SubjectEraser(NpgsqlDataSource dataSource)
{
    /// <param name="grainId">The subject grain's id as Orleans writes it in the reminders table (its expiry reminder).</param>
    public async Task<SubjectErasure> EraseAsync(string subjectKey, string grainId, string erasedBy, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(subjectKey);
        ArgumentException.ThrowIfNullOrEmpty(erasedBy);
        var hash = KeyHash(subjectKey);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var journalRows = await ExecuteAsync(connection, "DELETE FROM signal_journal WHERE subject_key = $1", cancellationToken, subjectKey).ConfigureAwait(false);
        var snapshots = await ExecuteAsync(connection, "DELETE FROM orleansstorage WHERE grainidextensionstring = $1", cancellationToken, subjectKey).ConfigureAwait(false);
        await ExecuteAsync(connection, "DELETE FROM disputes WHERE subject_key = $1", cancellationToken, subjectKey).ConfigureAwait(false);
        await ExecuteAsync(connection, "DELETE FROM orleansreminderstable WHERE grainid = $1", cancellationToken, grainId).ConfigureAwait(false);
        var crossings = await ExecuteAsync(
            connection,
            "UPDATE crossings SET subject_key = $2, signal_id = '', reasons = '[]'::jsonb WHERE subject_key = $1",
            cancellationToken,
            subjectKey,
            "erased/" + hash).ConfigureAwait(false);
        if (journalRows == 0 && snapshots == 0)
        {
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            return new SubjectErasure(false, hash, default, erasedBy, 0, 0);
        }

        await using var tombstone = new NpgsqlCommand(
            "INSERT INTO subject_erasures (key_sha256, erased_by, journal_rows, crossings) VALUES ($1, $2, $3, $4) RETURNING erased_at", connection);
        tombstone.Parameters.Add(new NpgsqlParameter<string> { TypedValue = hash });
        tombstone.Parameters.Add(new NpgsqlParameter<string> { TypedValue = erasedBy });
        tombstone.Parameters.Add(new NpgsqlParameter<long> { TypedValue = journalRows });
        tombstone.Parameters.Add(new NpgsqlParameter<long> { TypedValue = crossings });
        var erasedAt = (DateTime)(await tombstone.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new SubjectErasure(true, hash, new DateTimeOffset(erasedAt, TimeSpan.Zero), erasedBy, journalRows, crossings);
    }

    /// <summary>The tombstone's name for a subject: lower-case hex SHA-256 of its key's UTF-8.</summary>
    public static string KeyHash(string subjectKey) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(subjectKey)));

    private static async Task<long> ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params string[] values)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = value });
        }

        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>What an erasure removed, and its tombstone; <see cref="Erased"/> is false when nothing was held.</summary>
public sealed record SubjectErasure(bool Erased, string KeySha256, DateTimeOffset ErasedAt, string ErasedBy, long JournalRows, long Crossings);
