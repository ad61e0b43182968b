using System.Threading.Channels;
using Npgsql;
using NpgsqlTypes;
using ScoreGrains.Postgres.Journal;

namespace ScoreGrains.Postgres.Activation;

/// <summary>
/// Reads what activating subjects have in storage, for every subject that activates at the same moment in one round
/// trip, the way the journal's writers share a commit: each round trip takes what queued while the previous one ran
/// (no timer). A subject with no snapshot gets its journal from the start in that same round trip, so a new subject
/// costs a share of one round trip instead of two of its own; one with a snapshot gets the journal after it in a second
/// shared round trip (<see cref="ReadTailAsync"/>), once its caller has read the snapshot's position.
/// </summary>
/// <remarks>
/// The snapshot rows are grain storage's (<c>orleansstorage</c>, written by Orleans' ADO.NET provider), found by the
/// columns that identify a string-keyed grain's row (V017 indexes them), so snapshots are written as before. The
/// snapshot read and the journal read for subjects without one run in one read-only REPEATABLE READ transaction: both
/// see the same moment, so a snapshot written between them cannot make a subject look as if it had neither.
/// Each loop keeps its own connection, as <see cref="RecordedSignalLookup"/> does and for the same reason.
/// </remarks>
public sealed class ActivationReader : IAsyncDisposable
{
    // A page per subject, as replay reads (a snapshot comes every 1,000 signals); a longer journal is read on by the caller.
    private const int PageRows = JournalReader.ReplayPageRows;

    // Bounds one round trip; more waiting subjects go into the next.
    private const int MaxSubjectsPerRoundTrip = 1_000;

    // The row Orleans' ADO.NET provider keeps for a string-keyed grain: no integer or guid part, the key in the extension.
    private const string SnapshotRow = "graintypestring = $2 AND serviceid = $3 AND grainidn0 = 0 AND grainidn1 = 0";

    private const string SnapshotsSql =
        $"SELECT grainidextensionstring, payloadbinary, version FROM orleansstorage WHERE grainidextensionstring = ANY($1) AND {SnapshotRow}";

    // Measured in loadtests/README.md (spread traffic), 800 subjects a round trip:
    // - A page is a range of positions, not ORDER BY ... LIMIT: a subject's positions are 1, 2, 3... without a gap (the
    //   journal never commits an append after a failed one). With the ordered limit, a Merge Append over all 32
    //   partitions was set up again for every subject; without it each probe is a plain Append that run-time pruning
    //   cuts to one partition.
    // - OFFSET 0 keeps the subquery a nested loop of index probes, one per subject: pulled up into a plain join, a young
    //   journal's stale statistics made PostgreSQL hash-join a sequential scan of every partition (150 ms at 536k rows).
    // - No JIT (SET LOCAL in the transaction): the nested loop's cost estimate is far above jit_above_cost, and compiling
    //   it took ~320 ms of the 335 ms such a round trip took; without it, 15 ms.
    private const string JournalsWithoutSnapshotSql = $"""
        SELECT j.* FROM unnest($1::text[]) AS k(key)
        CROSS JOIN LATERAL (SELECT {JournalReader.Columns} FROM signal_journal WHERE subject_key = k.key AND seq <= $4 OFFSET 0) AS j
        WHERE NOT EXISTS (SELECT 1 FROM orleansstorage WHERE grainidextensionstring = k.key AND {SnapshotRow})
        """;

    private const string TailsSql = $"""
        SELECT j.* FROM unnest($1::text[], $2::bigint[]) AS k(key, after_seq)
        CROSS JOIN LATERAL (SELECT {JournalReader.Columns} FROM signal_journal
                            WHERE subject_key = k.key AND seq > k.after_seq AND seq <= k.after_seq + $3 OFFSET 0) AS j
        """;

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _serviceId;
    private readonly string _stateName;
    private readonly TimeSpan _timeout;
    private readonly Channel<Request> _queue = Channel.CreateUnbounded<Request>();
    private readonly Task[] _loops;
    private long _roundTrips;

    /// <param name="serviceId">Orleans' service id, a column of every grain storage row.</param>
    /// <param name="stateName">The subject state's name, which grain storage keeps as the row's grain type.</param>
    public ActivationReader(NpgsqlDataSource dataSource, JournalOptions options, string serviceId, string stateName)
    {
        ArgumentNullException.ThrowIfNull(options);
        _dataSource = dataSource;
        _serviceId = serviceId;
        _stateName = stateName;
        _timeout = options.CommitTimeout;
        _loops = [.. Enumerable.Range(0, Math.Max(1, options.Writers)).Select(_ => Task.Run(ReadLoopAsync))];
    }

    /// <summary>Round trips so far: how well activations share them.</summary>
    public long RoundTrips => Interlocked.Read(ref _roundTrips);

    /// <summary>The subject's snapshot row; with none, its journal from the start.</summary>
    public Task<StoredSubject> ReadAsync(string subjectKey)
    {
        var request = new Request(subjectKey, null);
        return Enqueue(request, request.Stored!);
    }

    /// <summary>The subject's journal after <paramref name="afterSeq"/>, one page (<see cref="JournalTail.Complete"/> says if there is more).</summary>
    public Task<JournalTail> ReadTailAsync(string subjectKey, long afterSeq)
    {
        var request = new Request(subjectKey, afterSeq);
        return Enqueue(request, request.Tail!);
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await Task.WhenAll(_loops).ConfigureAwait(false);
    }

    private Task<T> Enqueue<T>(Request request, TaskCompletionSource<T> answer) =>
        _queue.Writer.TryWrite(request)
            ? answer.Task
            : Task.FromException<T>(new JournalUnavailableException("The journal is shutting down."));

    private async Task ReadLoopAsync()
    {
        var batch = new List<Request>();
        NpgsqlConnection? connection = null;
        try
        {
            while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
            {
                batch.Clear();
                while (batch.Count < MaxSubjectsPerRoundTrip && _queue.Reader.TryRead(out var request))
                {
                    batch.Add(request);
                }

                try
                {
                    connection ??= await _dataSource.OpenConnectionAsync().ConfigureAwait(false);
                    await ReadAsync(connection, batch).ConfigureAwait(false);
                }
                catch (Exception exception)
                {
                    var failure = new JournalUnavailableException($"A subject's snapshot and journal could not be read: {exception.Message}", exception);
                    foreach (var request in batch)
                    {
                        request.Fail(failure);
                    }

                    // The connection may be broken or mid-transaction: the next round trip starts on a fresh one.
                    await CloseAsync(connection).ConfigureAwait(false);
                    connection = null;
                }
            }
        }
        finally
        {
            await CloseAsync(connection).ConfigureAwait(false);
        }

        static ValueTask CloseAsync(NpgsqlConnection? connection) => connection?.DisposeAsync() ?? ValueTask.CompletedTask;
    }

    private async Task ReadAsync(NpgsqlConnection connection, List<Request> batch)
    {
        var stored = batch.Where(r => r.AfterSeq is null).Select(r => r.SubjectKey).Distinct(StringComparer.Ordinal).ToArray();
        var tails = batch.Where(r => r.AfterSeq is not null).ToArray();

        // One row set per subject (two reads of one subject in a round trip, e.g. a rescore beside an activation, share
        // the one after the smaller position).
        var tailFrom = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var tail in tails)
        {
            var after = tail.AfterSeq!.Value;
            tailFrom[tail.SubjectKey] = tailFrom.TryGetValue(tail.SubjectKey, out var known) ? Math.Min(known, after) : after;
        }

        using var timeout = new CancellationTokenSource(_timeout);
        await using var commands = new NpgsqlBatch(connection);
        Add(commands, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
        Add(commands, "SET LOCAL jit = off");
        if (stored.Length > 0)
        {
            Add(commands, SnapshotsSql, Keys(stored), new NpgsqlParameter<string> { TypedValue = _stateName }, new NpgsqlParameter<string> { TypedValue = _serviceId });
            Add(commands, JournalsWithoutSnapshotSql, Keys(stored), new NpgsqlParameter<string> { TypedValue = _stateName },
                new NpgsqlParameter<string> { TypedValue = _serviceId }, new NpgsqlParameter<int> { TypedValue = PageRows });
        }

        if (tails.Length > 0)
        {
            Add(commands, TailsSql, Keys([.. tailFrom.Keys]),
                new NpgsqlParameter<long[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, TypedValue = [.. tailFrom.Values] },
                new NpgsqlParameter<int> { TypedValue = PageRows });
        }

        Add(commands, "COMMIT");

        var rows = new Dictionary<string, (byte[]? Payload, int Version)>(StringComparer.Ordinal);
        var journals = new Dictionary<string, List<JournalEntry>>(StringComparer.Ordinal);
        var tailEntries = new (List<JournalEntry> Entries, bool Complete)[tails.Length];
        await using (var reader = await commands.ExecuteReaderAsync(timeout.Token).ConfigureAwait(false))
        {
            // Npgsql's reader passes over statements that return no rows (BEGIN, COMMIT): it starts on the first query's.
            if (stored.Length > 0)
            {
                while (await reader.ReadAsync(timeout.Token).ConfigureAwait(false))
                {
                    rows[reader.GetString(0)] = (reader.IsDBNull(1) ? null : reader.GetFieldValue<byte[]>(1), reader.GetInt32(2));
                }

                await reader.NextResultAsync(timeout.Token).ConfigureAwait(false);
                await ReadEntriesAsync(reader, journals, timeout.Token).ConfigureAwait(false);
                await reader.NextResultAsync(timeout.Token).ConfigureAwait(false);
            }

            if (tails.Length > 0)
            {
                var byKey = new Dictionary<string, List<JournalEntry>>(StringComparer.Ordinal);
                await ReadEntriesAsync(reader, byKey, timeout.Token).ConfigureAwait(false);
                for (var i = 0; i < tails.Length; i++)
                {
                    var after = tails[i].AfterSeq!.Value;
                    tailEntries[i] = byKey.TryGetValue(tails[i].SubjectKey, out var entries)
                        ? (entries.FindAll(e => e.Seq > after), entries.Count < PageRows)
                        : ([], true);
                }
            }

            // The COMMIT's own outcome: a failure there surfaces here, before any caller is answered.
            while (await reader.NextResultAsync(timeout.Token).ConfigureAwait(false))
            {
            }
        }

        Interlocked.Increment(ref _roundTrips);
        var tailIndex = 0;
        foreach (var request in batch)
        {
            if (request.AfterSeq is { } after)
            {
                var (entries, complete) = tailEntries[tailIndex++];
                request.Tail!.TrySetResult(new JournalTail(after, entries, complete));
            }
            else if (rows.TryGetValue(request.SubjectKey, out var row))
            {
                request.Stored!.TrySetResult(new StoredSubject(true, row.Payload, row.Version, null));
            }
            else
            {
                var entries = journals.GetValueOrDefault(request.SubjectKey) ?? [];
                request.Stored!.TrySetResult(new StoredSubject(false, null, null, new JournalTail(0, entries, entries.Count < PageRows)));
            }
        }
    }

    /// <summary>Entries grouped by subject, each group in journal order whatever order the rows came in.</summary>
    private static async Task ReadEntriesAsync(NpgsqlDataReader reader, Dictionary<string, List<JournalEntry>> bySubject, CancellationToken cancellationToken)
    {
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var entry = JournalReader.ReadEntry(reader);
            if (!bySubject.TryGetValue(entry.SubjectKey, out var entries))
            {
                bySubject[entry.SubjectKey] = entries = [];
            }

            entries.Add(entry);
        }

        foreach (var entries in bySubject.Values)
        {
            if (!IsOrdered(entries))
            {
                entries.Sort((a, b) => a.Seq.CompareTo(b.Seq));
            }
        }

        static bool IsOrdered(List<JournalEntry> entries)
        {
            for (var i = 1; i < entries.Count; i++)
            {
                if (entries[i - 1].Seq >= entries[i].Seq)
                {
                    return false;
                }
            }

            return true;
        }
    }

    private static NpgsqlParameter<string[]> Keys(string[] keys) => new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, TypedValue = keys };

    private static void Add(NpgsqlBatch batch, string sql, params NpgsqlParameter[] parameters)
    {
        var command = batch.CreateBatchCommand();
        command.CommandText = sql;
        command.Parameters.AddRange(parameters);
        batch.BatchCommands.Add(command);
    }

    /// <summary>A snapshot read (<see cref="AfterSeq"/> null, answered through <see cref="Stored"/>) or a tail read after a position.</summary>
    private sealed class Request(string subjectKey, long? afterSeq)
    {
        public string SubjectKey { get; } = subjectKey;

        public long? AfterSeq { get; } = afterSeq;

        public TaskCompletionSource<StoredSubject>? Stored { get; } = afterSeq is null ? new(TaskCreationOptions.RunContinuationsAsynchronously) : null;

        public TaskCompletionSource<JournalTail>? Tail { get; } = afterSeq is null ? null : new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Fail(Exception failure)
        {
            Stored?.TrySetException(failure);
            Tail?.TrySetException(failure);
        }
    }
}
