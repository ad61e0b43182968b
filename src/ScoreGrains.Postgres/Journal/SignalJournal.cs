using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace ScoreGrains.Postgres.Journal;

/// <summary>
/// The signal journal's writer, with group commit: every append waiting at the moment a writer is free goes
/// into one transaction (one binary COPY for the journal rows, one multi-row INSERT for any crossings, sent with
/// the COMMIT), and every waiting caller completes when it commits. No timer: an idle journal commits a lone
/// append at once, and batches grow by themselves while a commit is in flight.
/// </summary>
/// <remarks>
/// Each writer is a dedicated thread with its own connection, using Npgsql's synchronous calls: a commit's round
/// trips never wait in the thread pool's queue behind grain work, so ack latency follows PostgreSQL, not the
/// silo's load.
/// A subject may append again before its previous append committed (it folds its next signals meanwhile). Its
/// appends always go to the same writer, which commits in queue order, and an append whose predecessor failed
/// fails too without being written: a subject's journal never has a gap, so replay folds exactly the signals
/// that were acknowledged, in the order they were applied.
/// </remarks>
public sealed class SignalJournal : IAsyncDisposable
{
    // Serialises crossing inserts until commit, so global crossing sequences become visible in order and a
    // feed reader paging "after N" can never skip one that commits late. The lock, the insert and the COMMIT go
    // in one round trip, so it is held only while PostgreSQL works, never while this process sends the next
    // statement (a GC pause here would otherwise hold up every other writer's crossings, across silos too).
    private const long CrossingOrderLock = 0x43726f7373696e67;

    /// <summary>
    /// How journal rows are written: binary COPY, PostgreSQL's bulk-load path (rows buffered and inserted in
    /// multi-row chunks per partition, no per-row statement or array parsing), in the row format of
    /// <see cref="JournalCopyBuffer"/>. It is transactional like any statement, and a duplicate key fails it whole.
    /// </summary>
    public const string CopyEntries = """
        COPY signal_journal (subject_key, seq, signal_id, signal_type, value, occurred_at, source,
                             score_before, score_after, band_before, band_after, model_version, recorded_at)
        FROM STDIN (FORMAT BINARY)
        """;

    private const string InsertCrossingsAndCommitSql = """
        SELECT pg_advisory_xact_lock(@lock);
        INSERT INTO crossings (subject_key, subject_kind, journal_seq, signal_id, signal_type, old_score, new_score,
                               old_band, new_band, model_version, reasons, occurred_at, recorded_at)
        SELECT k, kind, js, sid, st, os, ns, ob, nb, mv, r::jsonb, oa, ra
        FROM unnest(@subject_key, @subject_kind, @journal_seq, @signal_id, @signal_type, @old_score, @new_score,
                    @old_band, @new_band, @model_version, @reasons, @occurred_at, @recorded_at)
             AS t(k, kind, js, sid, st, os, ns, ob, nb, mv, r, oa, ra)
        RETURNING subject_key, journal_seq, sequence;
        COMMIT
        """;

    private readonly NpgsqlDataSource _dataSource;
    private readonly JournalOptions _options;
    private readonly ILogger<SignalJournal> _logger;
    private readonly AppendQueue[] _queues;
    private readonly Thread[] _writers;

    // CommitTimeout as Npgsql's command timeout (whole seconds) for each statement of a commit.
    private readonly int _timeoutSeconds;

    // Starts a commit's transaction with CommitTimeout as PostgreSQL's own limit on each of its statements: Npgsql's
    // command timeout does not cover the start of a COPY, which waits for its table lock under the connection's
    // default timeout (30 s) instead, e.g. behind a LOCK TABLE or an ALTER.
    private readonly string _begin;

    /// <param name="meter">The silo's meter, for the commit histograms (<see cref="JournalStatistics"/>); none in tools and tests.</param>
    public SignalJournal(NpgsqlDataSource dataSource, JournalOptions options, ILogger<SignalJournal> logger, Meter? meter = null)
    {
        Statistics = new JournalStatistics(meter);
        _dataSource = dataSource;
        _options = options;
        _timeoutSeconds = (int)Math.Ceiling(options.CommitTimeout.TotalSeconds);
        _begin = $"BEGIN; SET LOCAL statement_timeout = {(long)Math.Ceiling(options.CommitTimeout.TotalMilliseconds)}";
        _logger = logger;
        _queues = [.. Enumerable.Range(0, Math.Max(1, options.Writers)).Select(_ => new AppendQueue())];
        _writers = [.. _queues.Select((queue, i) => new Thread(() => WriteLoop(queue)) { IsBackground = true, Name = $"journal-writer-{i}" })];
        foreach (var writer in _writers)
        {
            writer.Start();
        }
    }

    public JournalStatistics Statistics { get; }

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
    /// <param name="committed">
    /// Called with the returned task right after it committed, on the writer's thread: it must be quick and must not
    /// throw.
    /// </param>
    public Task<IReadOnlyList<long>> AppendAsync(
        IReadOnlyList<JournalEntry> entries, IReadOnlyList<CrossingRecord> crossings, Task? after = null, Action<Task>? committed = null)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(crossings);
        ArgumentOutOfRangeException.ThrowIfZero(entries.Count);
        var pending = new PendingAppend(entries, crossings, after, committed, Statistics);

        // One subject, one writer: its appends commit in the order they were made.
        var queue = _queues[(uint)StringComparer.Ordinal.GetHashCode(entries[0].SubjectKey) % (uint)_queues.Length];
        Statistics.RecordQueued();
        if (!queue.TryAdd(pending))
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
            queue.Complete();
        }

        await Task.Run(() =>
        {
            foreach (var writer in _writers)
            {
                writer.Join();
            }
        }).ConfigureAwait(false);
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

    private void WriteLoop(AppendQueue queue)
    {
        var taken = new List<PendingAppend>();
        var batch = new List<PendingAppend>();
        var copyBuffer = new JournalCopyBuffer();
        NpgsqlConnection? connection = null;
        try
        {
            while (queue.TryTake(taken, _options.MaxBatchRows))
            {
                batch.Clear();
                var rows = 0;
                foreach (var pending in taken)
                {
                    if (Stopwatch.GetElapsedTime(pending.QueuedAt) > _options.CommitTimeout)
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

                taken.Clear();
                if (batch.Count > 0)
                {
                    Commit(ref connection, batch, rows, copyBuffer);
                }
            }
        }
        finally
        {
            connection?.Dispose();
        }
    }

    private void Commit(ref NpgsqlConnection? connection, List<PendingAppend> batch, int rows, JournalCopyBuffer copyBuffer)
    {
        try
        {
            connection ??= _dataSource.OpenConnection();
            var started = Stopwatch.GetTimestamp();
            var sequences = Write(connection, batch, rows, copyBuffer, started);
            Statistics.RecordCommit(batch.Count, rows, Stopwatch.GetElapsedTime(started));
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Complete(sequences[i]);
            }
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.UniqueViolation && batch.Count > 1)
        {
            // One caller's rows conflict (a second activation of a subject, or a retried signal). End the aborted
            // transaction, then commit each caller on its own so only the conflicting one fails.
            try
            {
                Execute(connection!, "ROLLBACK", _timeoutSeconds);
            }
            catch (Exception rollbackFailure) when (rollbackFailure is NpgsqlException or InvalidOperationException)
            {
                // A broken connection: the per-caller commits below open a fresh one.
                connection?.Dispose();
                connection = null;
            }

            foreach (var pending in batch)
            {
                if (!FailedBefore(pending))
                {
                    Commit(ref connection, [pending], pending.Entries.Count, copyBuffer);
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

            // The connection may be broken or mid-transaction: the next commit starts on a fresh one.
            connection?.Dispose();
            connection = null;
        }
    }

    private IReadOnlyList<long>[] Write(NpgsqlConnection connection, List<PendingAppend> batch, int rows, JournalCopyBuffer copyBuffer, long started)
    {
        Execute(connection, _begin, _timeoutSeconds);
        CopyRows(connection, batch, copyBuffer, _options.CommitTimeout);
        var copied = Stopwatch.GetTimestamp();

        var sequences = new IReadOnlyList<long>[batch.Count];
        var crossingCount = batch.Sum(p => p.Crossings.Count);
        if (crossingCount > 0)
        {
            var assigned = InsertCrossingsAndCommit(connection, batch, crossingCount, _timeoutSeconds);
            for (var i = 0; i < batch.Count; i++)
            {
                if (batch[i].Crossings.Count > 0)
                {
                    sequences[i] = [.. batch[i].Crossings.Select(c => assigned[(c.SubjectKey, c.JournalSeq)])];
                }
            }
        }
        else
        {
            Execute(connection, "COMMIT", _timeoutSeconds);
        }

        if (Stopwatch.GetElapsedTime(started) is var took && took >= _options.SlowCommit)
        {
            _logger.LogWarning(
                "Slow journal commit: {Appends} appends ({Rows} rows, {Crossings} crossings) took {Took:0} ms: BEGIN and COPY {Copy:0} ms, crossings and COMMIT {CommitTook:0} ms",
                batch.Count, rows, crossingCount, took.TotalMilliseconds, Stopwatch.GetElapsedTime(started, copied).TotalMilliseconds,
                Stopwatch.GetElapsedTime(copied).TotalMilliseconds);
        }

        for (var i = 0; i < batch.Count; i++)
        {
            sequences[i] ??= [];
        }

        return sequences;
    }

    private static void Execute(NpgsqlConnection connection, string sql, int timeoutSeconds)
    {
        using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = timeoutSeconds };
        command.ExecuteNonQuery();
    }

    private static void CopyRows(NpgsqlConnection connection, List<PendingAppend> batch, JournalCopyBuffer copyBuffer, TimeSpan timeout)
    {
        copyBuffer.Start();
        foreach (var pending in batch)
        {
            for (var i = 0; i < pending.Entries.Count; i++)
            {
                copyBuffer.Add(pending.Entries[i]);
            }
        }

        // Disposing the stream ends the COPY and reads its result: a failed COPY (a duplicate key) throws there.
        using var copy = connection.BeginRawBinaryCopy(CopyEntries);
        copy.WriteTimeout = copy.ReadTimeout = (int)timeout.TotalMilliseconds;
        copy.Write(copyBuffer.Finish());
    }

    /// <summary>Inserts the crossings and commits, returning their sequences by (subject, journal seq).</summary>
    private static Dictionary<(string, long), long> InsertCrossingsAndCommit(
        NpgsqlConnection connection, List<PendingAppend> batch, int count, int timeoutSeconds)
    {
        var crossings = batch.SelectMany(p => p.Crossings).ToList();
        using var insert = new NpgsqlCommand(InsertCrossingsAndCommitSql, connection) { CommandTimeout = timeoutSeconds };
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
        using var reader = insert.ExecuteReader();
        reader.NextResult();
        while (reader.Read())
        {
            assigned[(reader.GetString(0), reader.GetInt64(1))] = reader.GetInt64(2);
        }

        // The COMMIT's own result: a failure there surfaces here, before any caller is told it committed.
        reader.NextResult();
        return assigned;
    }
}
