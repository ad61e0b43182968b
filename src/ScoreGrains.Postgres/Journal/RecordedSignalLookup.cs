using System.Threading.Channels;
using Npgsql;
using NpgsqlTypes;

namespace ScoreGrains.Postgres.Journal;

/// <summary>
/// Asks the journal's unique index which signal ids it already holds, for every subject that asks at the same
/// moment in one round trip: the durable duplicate check of ids a subject no longer holds in memory (late records
/// and late retries of busy subjects). Batched like group commit, without a timer: each round trip takes what
/// queued while the previous one ran. It carries one statement per subject, because a statement naming its subject
/// is planned and run against that subject's partition only; one statement for many subjects (a join on an array)
/// cost PostgreSQL planning and executor setup on all 32 partitions and their indexes, every time.
/// </summary>
/// <remarks>
/// Each lookup loop keeps its own connection, as each journal writer does. Taken from the shared pool per round trip,
/// lookups went round every connection the pool had grown to (Npgsql hands out its idle connections in turn): up to
/// a hundred PostgreSQL backends, each cold in the CPU's caches and its own catalog caches when its turn came, and a
/// reset per use. That cost ~1.5 ms of CPU per lookup at saturation; on two warm connections a third of it.
/// </remarks>
public sealed class RecordedSignalLookup : IAsyncDisposable
{
    private const string Query = "SELECT signal_id FROM signal_journal WHERE subject_key = $1 AND signal_id = ANY($2)";

    // Bounds one round trip; more waiting lookups go into the next.
    private const int MaxIdsPerQuery = 5_000;
    private const int MaxSubjectsPerQuery = 500;

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

    /// <summary>Round trips so far: how well the lookups batch.</summary>
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
        NpgsqlConnection? connection = null;
        try
        {
            while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
            {
                batch.Clear();
                var ids = 0;
                while (ids < MaxIdsPerQuery && batch.Count < MaxSubjectsPerQuery && _queue.Reader.TryRead(out var request))
                {
                    batch.Add(request);
                    ids += request.SignalIds.Count;
                }

                try
                {
                    connection ??= await _dataSource.OpenConnectionAsync().ConfigureAwait(false);
                    var recorded = await QueryAsync(connection, batch).ConfigureAwait(false);
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

                    // The connection may be broken: the next round trip starts on a fresh one.
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

    private async Task<HashSet<string>?[]> QueryAsync(NpgsqlConnection connection, List<Request> batch)
    {
        using var timeout = new CancellationTokenSource(_timeout);
        await using var lookups = new NpgsqlBatch(connection);
        foreach (var request in batch)
        {
            var lookup = lookups.CreateBatchCommand();
            lookup.CommandText = Query;
            lookup.Parameters.Add(new NpgsqlParameter<string> { TypedValue = request.SubjectKey });
            lookup.Parameters.Add(new NpgsqlParameter<string[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, TypedValue = [.. request.SignalIds] });
            lookups.BatchCommands.Add(lookup);
        }

        var recorded = new HashSet<string>?[batch.Count];
        await using var reader = await lookups.ExecuteReaderAsync(timeout.Token).ConfigureAwait(false);
        for (var i = 0; i < batch.Count; i++)
        {
            while (await reader.ReadAsync(timeout.Token).ConfigureAwait(false))
            {
                (recorded[i] ??= new HashSet<string>(StringComparer.Ordinal)).Add(reader.GetString(0));
            }

            await reader.NextResultAsync(timeout.Token).ConfigureAwait(false);
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
