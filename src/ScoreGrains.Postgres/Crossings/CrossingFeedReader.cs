using ScoreGrains.Postgres.Journal;
using System.Text;
using Npgsql;
using NpgsqlTypes;

namespace ScoreGrains.Postgres.Crossings;

/// <summary>
/// Reads the durable crossing feed. Crossings commit in sequence order, so "after N" paging never skips one
/// that commits later: a reader that saw sequence N has seen every crossing below N.
/// </summary>
public sealed class CrossingFeedReader
{
    private const string Columns =
        "sequence, subject_key, subject_kind, journal_seq, signal_id, signal_type, old_score, new_score, " +
        "old_band, new_band, model_version, reasons::text, occurred_at, recorded_at";

    private readonly NpgsqlDataSource _dataSource;

    /// <summary>Reads through <paramref name="dataSource"/>, the silo's shared pool; the caller owns it.</summary>
    public CrossingFeedReader(NpgsqlDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _dataSource = dataSource;
    }

    /// <summary>The highest committed sequence, or 0 when the feed is empty.</summary>
    public async Task<long> GetLastSequenceAsync(CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand("SELECT coalesce(max(sequence), 0) FROM crossings");
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>The crossings matching <paramref name="query"/>, oldest first.</summary>
    public async Task<IReadOnlyList<FeedRow>> ReadAsync(CrossingQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var command = _dataSource.CreateCommand();
        var sql = new StringBuilder($"SELECT {Columns} FROM crossings WHERE sequence > @after");
        command.Parameters.AddWithValue("after", query.After);
        if (query.UpTo is { } upTo)
        {
            sql.Append(" AND sequence <= @upTo");
            command.Parameters.AddWithValue("upTo", upTo);
        }

        if (query.Kind is { } kind)
        {
            sql.Append(" AND subject_kind = @kind");
            command.Parameters.AddWithValue("kind", kind);
        }

        if (query.Subjects is { Count: > 0 } subjects)
        {
            sql.Append(" AND subject_key = ANY(@subjects)");
            command.Parameters.Add(new NpgsqlParameter("subjects", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = subjects.ToArray() });
        }

        if (query.Bands is { Count: > 0 } bands)
        {
            sql.Append(" AND new_band = ANY(@bands)");
            command.Parameters.Add(new NpgsqlParameter("bands", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = bands.ToArray() });
        }

        sql.Append(" ORDER BY sequence LIMIT @limit");
        command.Parameters.AddWithValue("limit", query.Limit);
        command.CommandText = sql.ToString();

        var records = new List<FeedRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            records.Add(new FeedRow(reader.GetInt64(0), new CrossingRecord(
                reader.GetString(1),
                reader.GetString(2),
                reader.GetInt64(3),
                reader.GetString(4),
                reader.GetString(5),
                reader.GetDouble(6),
                reader.GetDouble(7),
                reader.GetString(8),
                reader.GetString(9),
                reader.GetString(10),
                reader.GetString(11),
                reader.GetFieldValue<DateTimeOffset>(12),
                reader.GetFieldValue<DateTimeOffset>(13))));
        }

        return records;
    }
}
