using Npgsql;

namespace ScoreGrains.Postgres.Rights;

/// <summary>
/// The <c>disputes</c> table (V016). Opening and resolving are called by the subject's grain only, inside its exclusive
/// gate, so they never race with each other; the lists are plain reads.
/// </summary>
public sealed class DisputeStore(NpgsqlDataSource dataSource)
{
    /// <summary>The most rows one list answers.</summary>
    public const int MaxList = 1_000;

    private const string Columns = "id, subject_key, signal_id, signal_type, reason, status, opened_at, opened_by, due_at, resolved_at, resolved_by, note";

    /// <summary>
    /// Opens a dispute of a signal the subject's journal holds, or returns the signal's open one (created false); null
    /// when the journal has no such signal. One round trip: the journal check, the insert and the existing row.
    /// </summary>
    public async Task<(DisputeRow Row, bool Created)?> OpenAsync(
        string subjectKey, string signalId, string reason, string openedBy, DateTimeOffset openedAt, DateTimeOffset dueAt, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            $"""
            WITH inserted AS (
                INSERT INTO disputes (id, subject_key, signal_id, signal_type, reason, opened_at, opened_by, due_at)
                SELECT $3, $1, $2, signal_type, $4, $5, $6, $7 FROM signal_journal WHERE subject_key = $1 AND signal_id = $2
                ON CONFLICT (subject_key, signal_id) WHERE status = 'open' DO NOTHING
                RETURNING {Columns})
            SELECT {Columns}, true FROM inserted
            UNION ALL
            SELECT {Columns}, false FROM disputes
            WHERE subject_key = $1 AND signal_id = $2 AND status = 'open' AND NOT EXISTS (SELECT 1 FROM inserted)
            """);
        Add(command, subjectKey, signalId);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = Guid.CreateVersion7(openedAt) });
        Add(command, reason);
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = openedAt.UtcDateTime });
        Add(command, openedBy);
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = dueAt.UtcDateTime });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return (Read(reader), reader.GetBoolean(12));
    }

    public async Task<DisputeRow?> GetAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM disputes WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        var rows = await ReadAllAsync(command, cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    /// <summary>Closes an open dispute; null when it is not open (any more).</summary>
    public async Task<DisputeRow?> ResolveAsync(Guid id, string outcome, string note, string resolvedBy, DateTimeOffset resolvedAt, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            $"UPDATE disputes SET status = $2, note = $3, resolved_by = $4, resolved_at = $5 WHERE id = $1 AND status = 'open' RETURNING {Columns}");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        Add(command, outcome, note, resolvedBy);
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = resolvedAt.UtcDateTime });
        var rows = await ReadAllAsync(command, cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    /// <summary>A subject's disputes, newest first.</summary>
    public async Task<IReadOnlyList<DisputeRow>> ListForSubjectAsync(string subjectKey, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM disputes WHERE subject_key = $1 ORDER BY opened_at DESC, id DESC LIMIT {MaxList}");
        Add(command, subjectKey);
        return await ReadAllAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The operators' list: disputes in <paramref name="status"/>, the one due first at the top (open ones are resolved
    /// oldest first, so the list needs no cursor: it shrinks from the top); with <paramref name="overdueAt"/>, only the
    /// ones due before it.
    /// </summary>
    public async Task<IReadOnlyList<DisputeRow>> ListAsync(string status, DateTimeOffset? overdueAt, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxList);
        await using var command = dataSource.CreateCommand(
            $"SELECT {Columns} FROM disputes WHERE status = $1 AND ($2::timestamptz IS NULL OR due_at < $2) ORDER BY due_at, id LIMIT $3");
        Add(command, status);
        command.Parameters.Add(new NpgsqlParameter<DateTime?> { TypedValue = overdueAt?.UtcDateTime });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        return await ReadAllAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>How many of the subject's disputes are open now, or were open at <paramref name="asOf"/>.</summary>
    public async Task<int> CountOpenAsync(string subjectKey, DateTimeOffset? asOf, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            """
            SELECT count(*)::int FROM disputes WHERE subject_key = $1
            AND CASE WHEN $2::timestamptz IS NULL THEN status = 'open' ELSE opened_at <= $2 AND (resolved_at IS NULL OR resolved_at > $2) END
            """);
        Add(command, subjectKey);
        command.Parameters.Add(new NpgsqlParameter<DateTime?> { TypedValue = asOf?.UtcDateTime });
        return (int)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private static void Add(NpgsqlCommand command, params string[] values)
    {
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = value });
        }
    }

    private static async Task<List<DisputeRow>> ReadAllAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var rows = new List<DisputeRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(Read(reader));
        }

        return rows;
    }

    private static DisputeRow Read(NpgsqlDataReader reader) => new(
        reader.GetGuid(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.GetString(3),
        reader.GetString(4),
        reader.GetString(5),
        Utc(reader.GetFieldValue<DateTime>(6)),
        reader.GetString(7),
        Utc(reader.GetFieldValue<DateTime>(8)),
        reader.IsDBNull(9) ? null : Utc(reader.GetFieldValue<DateTime>(9)),
        reader.IsDBNull(10) ? null : reader.GetString(10),
        reader.IsDBNull(11) ? null : reader.GetString(11));

    private static DateTimeOffset Utc(DateTime time) => new(time, TimeSpan.Zero);
}

/// <summary>A row of <c>disputes</c>.</summary>
public sealed record DisputeRow(
    Guid Id,
    string SubjectKey,
    string SignalId,
    string SignalType,
    string Reason,
    string Status,
    DateTimeOffset OpenedAt,
    string OpenedBy,
    DateTimeOffset DueAt,
    DateTimeOffset? ResolvedAt,
    string? ResolvedBy,
    string? Note);
