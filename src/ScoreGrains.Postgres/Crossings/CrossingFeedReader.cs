using ScoreGrains.Postgres.Journal;
using System.Globalization;
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

    /// <summary>
    /// The most distinct bands one page may ask for: each is a branch of the query. Models have a handful; the HTTP
    /// API accepts only bands of the models.
    /// </summary>
    public const int MaxBands = 32;

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
    /// <exception cref="ArgumentException">More than <see cref="MaxBands"/> distinct bands.</exception>
    public async Task<IReadOnlyList<FeedRow>> ReadAsync(CrossingQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var command = _dataSource.CreateCommand();
        WritePageQuery(command, query);

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

    /// <summary>
    /// Sets <paramref name="command"/>'s text and parameters to the page <paramref name="query"/> asks for. Every
    /// filter has an index that yields its crossings in sequence order (V013), so a page reads about as many rows as it
    /// returns, however rare its kind or band. Bands are one ordered branch each, merged: "new_band = ANY(...)"
    /// cannot walk an index in sequence order (PostgreSQL 15), and the planner then either filtered the feed from
    /// <c>After</c> on or sorted every match.
    /// Subjects stay "subject_key = ANY(...)": the page is planned with its values (the silo prepares none of its own
    /// statements), so the subjects' statistics choose between walking the sequence (a busy subject) and sorting the
    /// matches of <c>crossings_subject</c> (quiet ones). A branch per subject through <c>LATERAL</c> is planned once for
    /// any subject and sorted every crossing of the busiest: on 3M crossings, 733 ms for it against 1 ms.
    /// </summary>
    internal static void WritePageQuery(NpgsqlCommand command, CrossingQuery query)
    {
        var filter = new StringBuilder("sequence > @after");
        command.Parameters.AddWithValue("after", query.After);
        if (query.UpTo is { } upTo)
        {
            filter.Append(" AND sequence <= @upTo");
            command.Parameters.AddWithValue("upTo", upTo);
        }

        if (query.Kind is { } kind)
        {
            filter.Append(" AND subject_kind = @kind");
            command.Parameters.AddWithValue("kind", kind);
        }

        if (query.Subjects is { Count: > 0 } subjects)
        {
            filter.Append(" AND subject_key = ANY(@subjects)");
            command.Parameters.Add(new NpgsqlParameter("subjects", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = subjects.ToArray() });
        }

        command.Parameters.AddWithValue("limit", query.Limit);
        var bands = query.Bands?.Distinct(StringComparer.Ordinal).ToList() ?? [];
        if (bands.Count > MaxBands)
        {
            throw new ArgumentException($"A crossing filter names {bands.Count} bands; at most {MaxBands}.", nameof(query));
        }

        if (bands.Count == 0)
        {
            command.CommandText = $"SELECT {Columns} FROM crossings WHERE {filter} ORDER BY sequence LIMIT @limit";
            return;
        }

        var sql = new StringBuilder("SELECT * FROM (");
        for (var i = 0; i < bands.Count; i++)
        {
            sql.Append(i == 0 ? "" : " UNION ALL ")
                .Append(CultureInfo.InvariantCulture, $"(SELECT {Columns} FROM crossings WHERE {filter} AND new_band = @band{i} ORDER BY sequence LIMIT @limit)");
            command.Parameters.AddWithValue($"band{i}", bands[i]);
        }

        command.CommandText = sql.Append(") page ORDER BY sequence LIMIT @limit").ToString();
    }
}
