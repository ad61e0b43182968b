using System.Runtime.CompilerServices;
using Npgsql;

namespace ScoreGrains.Postgres.Journal;

/// <summary>Reads the signal journal: replay after a snapshot and history pages.</summary>
public sealed class JournalReader(NpgsqlDataSource dataSource)
{
    internal const string Columns = """
        subject_key, seq, signal_id, signal_type, value, occurred_at, source,
        score_before, score_after, band_before, band_after, model_version, recorded_at
        """;

    /// <summary>Rows per replay query: a snapshot comes every 1,000 signals, so most replays take one query.</summary>
    public const int ReplayPageRows = 1_000;

    /// <summary>
    /// One page of a replay: $1 subject key, $2 the last position read, $3 rows. The <c>LIMIT</c> is what keeps this on
    /// the primary key. Without it PostgreSQL costs <c>seq > $2</c> at a third of the subject's rows (the journal keeps
    /// no statistics on <c>seq</c>: V011), and for a subject with half its partition's rows (the hottest of 1M Zipf
    /// subjects at 10M rows) a sequential scan of the whole partition looked cheaper: 74 ms for 1,000 rows instead of
    /// ~1 ms (loadtests/README.md, journal size). Ordered and limited, the index scan that stops after the page wins.
    /// </summary>
    public const string ReplayPageSql = $"SELECT {Columns} FROM signal_journal WHERE subject_key = $1 AND seq > $2 ORDER BY seq LIMIT $3";

    /// <summary>
    /// The subject's entries after journal position <paramref name="afterSeq"/>, in order, read <paramref name="pageRows"/>
    /// at a time (keyset pages on the primary key), so a whole-journal rescoring of a subject with millions of entries
    /// never holds them all.
    /// </summary>
    public async IAsyncEnumerable<JournalEntry> ReadAfterAsync(
        string subjectKey, long afterSeq, int pageRows = ReplayPageRows, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageRows, 1);
        while (true)
        {
            await using var command = dataSource.CreateCommand(ReplayPageSql);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = subjectKey });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = afterSeq });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = pageRows });
            var page = await ReadEntriesAsync(command, cancellationToken).ConfigureAwait(false);
            foreach (var entry in page)
            {
                yield return entry;
            }

            if (page.Count < pageRows)
            {
                yield break;
            }

            afterSeq = page[^1].Seq;
        }
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

    private static async Task<List<JournalEntry>> ReadEntriesAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var entries = new List<JournalEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            entries.Add(ReadEntry(reader));
        }

        return entries;
    }

    /// <summary>The entry at the reader's row, whose first columns are <see cref="Columns"/>.</summary>
    internal static JournalEntry ReadEntry(NpgsqlDataReader reader) =>
        new(
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
            new DateTimeOffset(reader.GetFieldValue<DateTime>(12), TimeSpan.Zero));
}
