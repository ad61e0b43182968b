using Npgsql;

namespace ScoreGrains.Postgres.Journal;

/// <summary>Reads the signal journal: replay after a snapshot and history pages.</summary>
public sealed class JournalReader(NpgsqlDataSource dataSource)
{
    private const string Columns = """
        subject_key, seq, signal_id, signal_type, value, occurred_at, source,
        score_before, score_after, band_before, band_after, model_version, recorded_at
        """;

    /// <summary>The subject's entries after journal position <paramref name="afterSeq"/>, in order.</summary>
    public async Task<IReadOnlyList<JournalEntry>> ReadAfterAsync(string subjectKey, long afterSeq, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM signal_journal WHERE subject_key = $1 AND seq > $2 ORDER BY seq");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = subjectKey });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = afterSeq });
        return await ReadEntriesAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A page of the subject's history, newest first, before journal position <paramref name="beforeSeq"/>.</summary>
    public async Task<IReadOnlyList<JournalEntry>> ReadHistoryAsync(string subjectKey, long beforeSeq, int limit, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT {Columns} FROM signal_journal WHERE subject_key = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = subjectKey });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = beforeSeq });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        return await ReadEntriesAsync(command, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<IReadOnlyList<JournalEntry>> ReadEntriesAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var entries = new List<JournalEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            entries.Add(new JournalEntry(
                reader.GetString(0),
                reader.GetInt64(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetDouble(4),
                new DateTimeOffset(reader.GetFieldValue<DateTime>(5), TimeSpan.Zero),
                reader.GetString(6),
                reader.GetDouble(7),
                reader.GetDouble(8),
                reader.GetString(9),
                reader.GetString(10),
                reader.GetString(11),
                new DateTimeOffset(reader.GetFieldValue<DateTime>(12), TimeSpan.Zero)));
        }

        return entries;
    }
}
