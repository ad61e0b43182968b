using Npgsql;

namespace ScoreGrains.LoadTest.Journal;

/// <summary>
/// The journal's size on disk: rows and bytes summed over the partitions of <c>signal_journal</c>
/// (<c>pg_partition_tree</c>): heap, TOAST, the primary key (subject_key, seq) and the signalId unique index.
/// </summary>
public sealed record JournalStorage(long Rows, long HeapBytes, long ToastBytes, long PrimaryKeyBytes, long SignalIdIndexBytes, long TotalBytes, double AverageRowBytes)
{
    /// <summary>Bytes on disk (rows + indexes) per million journal rows, i.e. per million applied signals.</summary>
    public double TotalBytesPerMillion => Rows == 0 ? 0 : TotalBytes * 1e6 / Rows;

    public double HeapBytesPerRow => Rows == 0 ? 0 : (double)(HeapBytes + ToastBytes) / Rows;

    public double IndexBytesPerRow => Rows == 0 ? 0 : (double)(PrimaryKeyBytes + SignalIdIndexBytes) / Rows;

    public static async Task<JournalStorage> MeasureAsync(string connectionString, long? knownRows, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        long rows;
        if (knownRows is { } known)
        {
            rows = known;
        }
        else
        {
            await using var count = new NpgsqlCommand("SELECT count(*) FROM signal_journal", connection);
            rows = (long)(await count.ExecuteScalarAsync(cancellationToken))!;
        }

        const string Sizes = """
            SELECT coalesce(sum(pg_relation_size(c.oid)), 0)::bigint,
                   coalesce(sum(CASE WHEN c.reltoastrelid <> 0 THEN pg_total_relation_size(c.reltoastrelid) ELSE 0 END), 0)::bigint,
                   coalesce(sum((SELECT sum(pg_relation_size(i.indexrelid)) FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
                                 WHERE i.indrelid = c.oid AND i.indisprimary)), 0)::bigint,
                   coalesce(sum((SELECT sum(pg_relation_size(i.indexrelid)) FROM pg_index i
                                 WHERE i.indrelid = c.oid AND NOT i.indisprimary)), 0)::bigint,
                   coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint
            FROM pg_partition_tree('signal_journal') t JOIN pg_class c ON c.oid = t.relid
            WHERE t.isleaf
            """;
        // pg_column_size of a sample of whole rows: the tuple's data as stored (without the 24-byte header and line pointer).
        await using var width = new NpgsqlCommand("SELECT coalesce(avg(pg_column_size(j.*)), 0)::float8 FROM (SELECT * FROM signal_journal TABLESAMPLE SYSTEM (1)) j", connection);
        var averageRow = (double)(await width.ExecuteScalarAsync(cancellationToken))!;
        await using var sizes = new NpgsqlCommand(Sizes, connection);
        await using var reader = await sizes.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new JournalStorage(rows, reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), averageRow);
    }
}
