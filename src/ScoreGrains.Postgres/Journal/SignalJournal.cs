using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace ScoreGrains.Postgres.Journal;

/// <summary>
/// The signal journal's writer, with group commit: every append waiting at the moment a writer is free goes
/// into one transaction (one binary COPY for the journal rows, one multi-row INSERT for any crossings), and every waiting caller
/// completes when it commits. No timer: an idle journal commits a lone append at once, and batches grow by
/// themselves while a commit is in flight.
/// </summary>
/// <remarks>
/// A subject may append again before its previous append committed (it folds its next signals meanwhile). Its
/// appends always go to the same writer, which commits in queue order, and an append whose predecessor failed
/// fails too without being written: a subject's journal never has a gap, so replay folds exactly the signals
/// that were acknowledged, in the order they were applied.
/// </remarks>
public sealed class SignalJournal : IAsyncDisposable
{
    // Serialises crossing inserts until commit, so global crossing sequences become visible in order and a
    // feed reader paging "after N" can never skip one that commits late.
    private const long CrossingOrderLock = 0x43726f7373696e67;

    /// <summary>
    /// How journal rows are written: binary COPY, which PostgreSQL loads in multi-row chunks per partition (several
    /// times cheaper per row than a multi-row INSERT into the partitioned table). It is transactional like any
    /// statement, and a duplicate key fails it whole.
    /// </summary>
    public const string CopyEntries = """
        COPY signal_journal (subject_key, seq, signal_id, signal_type, value, occurred_at, source,
                             score_before, score_after, band_before, band_after, model_version, recorded_at)
        FROM STDIN (FORMAT BINARY)
        """;

    private const string InsertCrossings = """
        SELECT pg_advisory_xact_lock(@lock);
        INSERT INTO crossings (subject_key, subject_kind, journal_seq, signal_id, signal_type, old_score, new_score,
                               old_band, new_band, model_version, reasons, occurred_at, recorded_at)
        SELECT k, kind, js, sid, st, os, ns, ob, nb, mv, r::jsonb, oa, ra
        FROM unnest(@subject_key, @subject_kind, @journal_seq, @signal_id, @signal_type, @old_score, @new_score,
                    @old_band, @new_band, @model_version, @reasons, @occurred_at, @recorded_at)
             AS t(k, kind, js, sid, st, os, ns, ob, nb, mv, r, oa, ra)
        RETURNING subject_key, journal_seq, sequence
        """;

    private readonly NpgsqlDataSource _dataSource;
    private readonly JournalOptions _options;
    private readonly ILogger<SignalJournal> _logger;
    private readonly Channel<PendingAppend>[] _queues;
    private readonly Task[] _writers;

    public SignalJournal(NpgsqlDataSource dataSource, JournalOptions options, ILogger<SignalJournal> logger)
    {
        _dataSource = dataSource;
        _options = options;
        _logger = logger;
        _queues = [.. Enumerable.Range(0, Math.Max(1, options.Writers)).Select(_ => Channel.CreateUnbounded<PendingAppend>(new UnboundedChannelOptions { SingleReader = true }))];
        _writers = [.. _queues.Select(queue => Task.Run(() => WriteLoopAsync(queue.Reader)))];
    }

    public JournalStatistics Statistics { get; } = new();

    /// <summary>
    /// Appends one subject's entries (and the crossings they caused) and completes when they are committed, with
    /// the crossings' global sequence numbers. Faults with <see cref="JournalUnavailableException"/> when the
    /// commit failed: then none of these entries counts.
    /// </summary>
    /// <param name="entries">At least one entry, all of the same subject, in the order the subject applied them.</param>
    /// <param name="crossings">The crossings these entries caused.</param>
    /// <param name="after">
    /// The same subject's previous append if it may not have committed yet (the task this method returned for it):
    /// these entries commit with or after it, and fail if it failed.
    /// </param>
    public Task<IReadOnlyList<long>> AppendAsync(IReadOnlyList<JournalEntry> entries, IReadOnlyList<CrossingRecord> crossings, Task? after = null)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(crossings);
        ArgumentOutOfRangeException.ThrowIfZero(entries.Count);
        var pending = new PendingAppend(entries, crossings, after, Statistics);

        // One subject, one writer: its appends commit in the order they were made.
        var queue = _queues[(uint)StringComparer.Ordinal.GetHashCode(entries[0].SubjectKey) % (uint)_queues.Length];
        Statistics.RecordQueued();
        if (!queue.Writer.TryWrite(pending))
        {
            pending.Fail(new JournalUnavailableException("The journal is shutting down."));
        }

        return pending.Committed;
    }

    /// <summary>Stops taking appends, commits what is queued, and stops the writers.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var queue in _queues)
        {
            queue.Writer.TryComplete();
        }

        await Task.WhenAll(_writers).ConfigureAwait(false);
    }

    /// <summary>
    /// Fails an append whose predecessor failed. A predecessor not yet complete is earlier in the batch being
    /// built: a writer completes every append of a batch before it takes the next.
    /// </summary>
    private static bool FailedBefore(PendingAppend pending)
    {
        if (pending.After is not { IsCompleted: true, IsCompletedSuccessfully: false })
        {
            return false;
        }

        pending.Fail(new JournalUnavailableException("An earlier append of the same subject was not committed, so this one is not either."));
        return true;
    }

    private async Task WriteLoopAsync(ChannelReader<PendingAppend> queue)
    {
        var batch = new List<PendingAppend>();
        while (await queue.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            var rows = 0;
            while (rows < _options.MaxBatchRows && queue.TryRead(out var pending))
            {
                if (System.Diagnostics.Stopwatch.GetElapsedTime(pending.QueuedAt) > _options.CommitTimeout)
                {
                    // Waited its whole budget behind stuck commits: tell the caller now rather than commit late.
                    pending.Fail(new JournalUnavailableException($"The journal could not start a commit within {_options.CommitTimeout}."));
                    continue;
                }

                if (FailedBefore(pending))
                {
                    continue;
                }

                batch.Add(pending);
                rows += pending.Entries.Count;
            }

            if (batch.Count > 0)
            {
                await CommitAsync(batch, rows).ConfigureAwait(false);
            }
        }
    }

    private async Task CommitAsync(List<PendingAppend> batch, int rows)
    {
        try
        {
            var sequences = await WriteAsync(batch).ConfigureAwait(false);
            Statistics.RecordCommit(batch.Count, rows);
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Complete(sequences[i]);
            }
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.UniqueViolation && batch.Count > 1)
        {
            // One caller's rows conflict (a second activation of a subject, or a retried signal). Commit each
            // caller on its own so only the conflicting one fails.
            foreach (var pending in batch)
            {
                if (!FailedBefore(pending))
                {
                    await CommitAsync([pending], pending.Entries.Count).ConfigureAwait(false);
                }
            }
        }
        catch (Exception exception)
        {
            _logger.LogWarning(exception, "Journal commit of {Appends} appends ({Rows} rows) failed", batch.Count, rows);
            var failure = new JournalUnavailableException($"The journal could not commit: {exception.Message}", exception);
            foreach (var pending in batch)
            {
                pending.Fail(failure);
            }
        }
    }

    private async Task<IReadOnlyList<long>[]> WriteAsync(List<PendingAppend> batch)
    {
        using var timeout = new CancellationTokenSource(_options.CommitTimeout);
        await using var connection = await _dataSource.OpenConnectionAsync(timeout.Token).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(timeout.Token).ConfigureAwait(false);

        await CopyEntriesAsync(connection, batch, timeout.Token).ConfigureAwait(false);

        var sequences = new IReadOnlyList<long>[batch.Count];
        var crossingCount = batch.Sum(p => p.Crossings.Count);
        if (crossingCount > 0)
        {
            var assigned = await InsertCrossingsAsync(connection, transaction, batch, crossingCount, timeout.Token).ConfigureAwait(false);
            for (var i = 0; i < batch.Count; i++)
            {
                sequences[i] = [.. batch[i].Crossings.Select(c => assigned[(c.SubjectKey, c.JournalSeq)])];
            }
        }

        await transaction.CommitAsync(timeout.Token).ConfigureAwait(false);
        for (var i = 0; i < batch.Count; i++)
        {
            sequences[i] ??= [];
        }

        return sequences;
    }

    private static async Task CopyEntriesAsync(NpgsqlConnection connection, List<PendingAppend> batch, CancellationToken cancellationToken)
    {
        await using var importer = await connection.BeginBinaryImportAsync(CopyEntries, cancellationToken).ConfigureAwait(false);
        foreach (var pending in batch)
        {
            foreach (var entry in pending.Entries)
            {
                await importer.StartRowAsync(cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(entry.SubjectKey, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(entry.Seq, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(entry.SignalId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(entry.SignalType, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                if (entry.Value is { } value)
                {
                    await importer.WriteAsync(value, NpgsqlDbType.Double, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await importer.WriteNullAsync(cancellationToken).ConfigureAwait(false);
                }

                await importer.WriteAsync(entry.OccurredAt.UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(entry.Source, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(entry.ScoreBefore, NpgsqlDbType.Double, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(entry.ScoreAfter, NpgsqlDbType.Double, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(entry.BandBefore, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(entry.BandAfter, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(entry.ModelVersion, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(entry.RecordedAt.UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
            }
        }

        await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<Dictionary<(string, long), long>> InsertCrossingsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, List<PendingAppend> batch, int count, CancellationToken cancellationToken)
    {
        var crossings = batch.SelectMany(p => p.Crossings).ToList();
        await using var insert = new NpgsqlCommand(InsertCrossings, connection, transaction);
        insert.Parameters.AddWithValue("lock", CrossingOrderLock);
        insert.Parameters.Add(new NpgsqlParameter<string[]>("subject_key", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. crossings.Select(c => c.SubjectKey)] });
        insert.Parameters.Add(new NpgsqlParameter<string[]>("subject_kind", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. crossings.Select(c => c.SubjectKind)] });
        insert.Parameters.Add(new NpgsqlParameter<long[]>("journal_seq", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = [.. crossings.Select(c => c.JournalSeq)] });
        insert.Parameters.Add(new NpgsqlParameter<string[]>("signal_id", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. crossings.Select(c => c.SignalId)] });
        insert.Parameters.Add(new NpgsqlParameter<string[]>("signal_type", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. crossings.Select(c => c.SignalType)] });
        insert.Parameters.Add(new NpgsqlParameter<double[]>("old_score", NpgsqlDbType.Array | NpgsqlDbType.Double) { TypedValue = [.. crossings.Select(c => c.OldScore)] });
        insert.Parameters.Add(new NpgsqlParameter<double[]>("new_score", NpgsqlDbType.Array | NpgsqlDbType.Double) { TypedValue = [.. crossings.Select(c => c.NewScore)] });
        insert.Parameters.Add(new NpgsqlParameter<string[]>("old_band", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. crossings.Select(c => c.OldBand)] });
        insert.Parameters.Add(new NpgsqlParameter<string[]>("new_band", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. crossings.Select(c => c.NewBand)] });
        insert.Parameters.Add(new NpgsqlParameter<string[]>("model_version", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. crossings.Select(c => c.ModelVersion)] });
        insert.Parameters.Add(new NpgsqlParameter<string[]>("reasons", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. crossings.Select(c => c.ReasonsJson)] });
        insert.Parameters.Add(new NpgsqlParameter<DateTime[]>("occurred_at", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { TypedValue = [.. crossings.Select(c => c.OccurredAt.UtcDateTime)] });
        insert.Parameters.Add(new NpgsqlParameter<DateTime[]>("recorded_at", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { TypedValue = [.. crossings.Select(c => c.RecordedAt.UtcDateTime)] });

        var assigned = new Dictionary<(string, long), long>(count);
        await using var reader = await insert.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            assigned[(reader.GetString(0), reader.GetInt64(1))] = reader.GetInt64(2);
        }

        return assigned;
    }
}
