using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace ScoreGrains.Postgres.Journal;

/// <summary>
/// The signal journal's writer, with group commit: every append waiting at the moment a writer is free goes
/// into one transaction (one multi-row INSERT for the journal, one for any crossings), and every waiting caller
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

    private const string InsertEntries = """
        INSERT INTO signal_journal (subject_key, seq, signal_id, signal_type, value, occurred_at, source,
                                    score_before, score_after, band_before, band_after, model_version, recorded_at)
        SELECT * FROM unnest(@subject_key, @seq, @signal_id, @signal_type, @value, @occurred_at, @source,
                             @score_before, @score_after, @band_before, @band_after, @model_version, @recorded_at)
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
            var sequences = await WriteAsync(batch, rows).ConfigureAwait(false);
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

    private async Task<IReadOnlyList<long>[]> WriteAsync(List<PendingAppend> batch, int rows)
    {
        using var timeout = new CancellationTokenSource(_options.CommitTimeout);
        await using var connection = await _dataSource.OpenConnectionAsync(timeout.Token).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(timeout.Token).ConfigureAwait(false);

        await using (var insert = new NpgsqlCommand(InsertEntries, connection, transaction))
        {
            AddEntryColumns(insert.Parameters, batch, rows);
            await insert.ExecuteNonQueryAsync(timeout.Token).ConfigureAwait(false);
        }

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

    private static void AddEntryColumns(NpgsqlParameterCollection parameters, List<PendingAppend> batch, int rows)
    {
        var subjectKey = new string[rows];
        var seq = new long[rows];
        var signalId = new string[rows];
        var signalType = new string[rows];
        var value = new double?[rows];
        var occurredAt = new DateTime[rows];
        var source = new string[rows];
        var scoreBefore = new double[rows];
        var scoreAfter = new double[rows];
        var bandBefore = new string[rows];
        var bandAfter = new string[rows];
        var modelVersion = new string[rows];
        var recordedAt = new DateTime[rows];

        var row = 0;
        foreach (var pending in batch)
        {
            foreach (var entry in pending.Entries)
            {
                subjectKey[row] = entry.SubjectKey;
                seq[row] = entry.Seq;
                signalId[row] = entry.SignalId;
                signalType[row] = entry.SignalType;
                value[row] = entry.Value;
                occurredAt[row] = entry.OccurredAt.UtcDateTime;
                source[row] = entry.Source;
                scoreBefore[row] = entry.ScoreBefore;
                scoreAfter[row] = entry.ScoreAfter;
                bandBefore[row] = entry.BandBefore;
                bandAfter[row] = entry.BandAfter;
                modelVersion[row] = entry.ModelVersion;
                recordedAt[row] = entry.RecordedAt.UtcDateTime;
                row++;
            }
        }

        parameters.Add(new NpgsqlParameter<string[]>("subject_key", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = subjectKey });
        parameters.Add(new NpgsqlParameter<long[]>("seq", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = seq });
        parameters.Add(new NpgsqlParameter<string[]>("signal_id", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = signalId });
        parameters.Add(new NpgsqlParameter<string[]>("signal_type", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = signalType });
        parameters.Add(new NpgsqlParameter<double?[]>("value", NpgsqlDbType.Array | NpgsqlDbType.Double) { TypedValue = value });
        parameters.Add(new NpgsqlParameter<DateTime[]>("occurred_at", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { TypedValue = occurredAt });
        parameters.Add(new NpgsqlParameter<string[]>("source", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = source });
        parameters.Add(new NpgsqlParameter<double[]>("score_before", NpgsqlDbType.Array | NpgsqlDbType.Double) { TypedValue = scoreBefore });
        parameters.Add(new NpgsqlParameter<double[]>("score_after", NpgsqlDbType.Array | NpgsqlDbType.Double) { TypedValue = scoreAfter });
        parameters.Add(new NpgsqlParameter<string[]>("band_before", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = bandBefore });
        parameters.Add(new NpgsqlParameter<string[]>("band_after", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = bandAfter });
        parameters.Add(new NpgsqlParameter<string[]>("model_version", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = modelVersion });
        parameters.Add(new NpgsqlParameter<DateTime[]>("recorded_at", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { TypedValue = recordedAt });
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
