using System.Threading.Channels;
using Npgsql;
using NpgsqlTypes;

namespace ScoreGrains.Postgres.Journal;

/// <summary>
/// Asks the journal's unique index which signal ids it already holds, for every subject that asks at the same
/// moment in one query: the durable duplicate check of ids a subject no longer holds in memory (late records
/// and late retries of busy subjects). Batched like group commit, without a timer: each query takes what queued
/// while the previous one ran. One query per subject would cost PostgreSQL a partitioned-table execution each.
/// </summary>
public sealed class RecordedSignalLookup : IAsyncDisposable
{
    private const string Query = """
        SELECT t.i, t.s
        FROM unnest(@keys, @ids, @askers) AS t(k, s, i)
        WHERE EXISTS (SELECT 1 FROM signal_journal j WHERE j.subject_key = t.k AND j.signal_id = t.s)
        """;

    // Bounds one query's array; more waiting ids go into the next query.
    private const int MaxIdsPerQuery = 5_000;

    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeSpan _timeout;
    private readonly Channel<Request> _queue = Channel.CreateUnbounded<Request>();
    private readonly Task[] _loops;
    private long _queries;

    public RecordedSignalLookup(NpgsqlDataSource dataSource, JournalOptions options)
    {
        _dataSource = dataSource;
        _timeout = options.CommitTimeout;
        _loops = [.. Enumerable.Range(0, Math.Max(1, options.Writers)).Select(_ => Task.Run(LookupLoopAsync))];
    }

    /// <summary>Queries run so far: how well the lookups batch.</summary>
    public long Queries => Interlocked.Read(ref _queries);

    /// <summary>Which of <paramref name="signalIds"/> the subject's journal already holds.</summary>
    public Task<IReadOnlySet<string>> FindRecordedAsync(string subjectKey, IReadOnlyCollection<string> signalIds)
    {
        ArgumentNullException.ThrowIfNull(signalIds);
        var request = new Request(subjectKey, signalIds);
        return _queue.Writer.TryWrite(request)
            ? request.Answered.Task
            : Task.FromException<IReadOnlySet<string>>(new JournalUnavailableException("The journal is shutting down."));
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await Task.WhenAll(_loops).ConfigureAwait(false);
    }

    private async Task LookupLoopAsync()
    {
        var batch = new List<Request>();
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            var ids = 0;
            while (ids < MaxIdsPerQuery && _queue.Reader.TryRead(out var request))
            {
                batch.Add(request);
                ids += request.SignalIds.Count;
            }

            try
            {
                var recorded = await QueryAsync(batch, ids).ConfigureAwait(false);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Answered.TrySetResult(recorded[i] ?? EmptySet);
                }
            }
            catch (Exception exception)
            {
                var failure = new JournalUnavailableException($"The journal could not be asked for duplicates: {exception.Message}", exception);
                foreach (var request in batch)
                {
                    request.Answered.TrySetException(failure);
                }
            }
        }
    }

    private async Task<HashSet<string>?[]> QueryAsync(List<Request> batch, int count)
    {
        var keys = new string[count];
        var ids = new string[count];
        var askers = new int[count];
        var row = 0;
        for (var i = 0; i < batch.Count; i++)
        {
            foreach (var id in batch[i].SignalIds)
            {
                (keys[row], ids[row], askers[row]) = (batch[i].SubjectKey, id, i);
                row++;
            }
        }

        using var timeout = new CancellationTokenSource(_timeout);
        await using var command = _dataSource.CreateCommand(Query);
        command.Parameters.Add(new NpgsqlParameter<string[]>("keys", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = keys });
        command.Parameters.Add(new NpgsqlParameter<string[]>("ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = ids });
        command.Parameters.Add(new NpgsqlParameter<int[]>("askers", NpgsqlDbType.Array | NpgsqlDbType.Integer) { TypedValue = askers });
        var recorded = new HashSet<string>?[batch.Count];
        await using var reader = await command.ExecuteReaderAsync(timeout.Token).ConfigureAwait(false);
        while (await reader.ReadAsync(timeout.Token).ConfigureAwait(false))
        {
            (recorded[reader.GetInt32(0)] ??= new HashSet<string>(StringComparer.Ordinal)).Add(reader.GetString(1));
        }

        Interlocked.Increment(ref _queries);
        return recorded;
    }

    private static readonly IReadOnlySet<string> EmptySet = new HashSet<string>();

    private sealed record Request(string SubjectKey, IReadOnlyCollection<string> SignalIds)
    {
        public TaskCompletionSource<IReadOnlySet<string>> Answered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
