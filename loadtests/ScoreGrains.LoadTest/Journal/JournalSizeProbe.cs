using System.Diagnostics;
using System.Globalization;
using HdrHistogram;
using Npgsql;
using ScoreGrains.LoadTest.Generation;
using ScoreGrains.LoadTest.Options;
using ScoreGrains.LoadTest.Running;
using ScoreGrains.Postgres.Journal;
using ScoreGrains.Scoring;

namespace ScoreGrains.LoadTest.Journal;

/// <summary>Per-subject replay timings of one kind of sample.</summary>
/// <param name="Name">Which subjects and which rows, e.g. "after snapshot (seq > last - 1000), Zipf-weighted subjects".</param>
public sealed record ReplayTiming(string Name, int Queries, double MeanRows, long MaxRows, LatencySummary Latency);

/// <summary>The journal at a size: bytes per million signals and how fast one subject's entries come back.</summary>
public sealed record JournalSizeResult(
    long Subjects,
    CopyResult Load,
    JournalStorage Storage,
    IReadOnlyList<ReplayTiming> Replay,
    string Plan,
    bool PlanUsesPrimaryKey)
{
    /// <summary>With <c>--index-after-load</c>: how long building the journal's two keys took after the load.</summary>
    public double? IndexBuildSeconds { get; init; }
}

/// <summary>
/// No silo: a fresh durable embedded PostgreSQL with the silo's schema; <c>--count</c> journal rows over
/// <c>--subjects</c> Zipf-skewed subjects loaded by binary COPY; then the size of the partitions per million rows,
/// and the silo's replay (<see cref="JournalReader.ReadAfterAsync"/>: pages of <c>WHERE subject_key = $1 AND seq > $2
/// ORDER BY seq LIMIT $3</c>) timed for random subjects, with the plan of a page for the most active one.
/// </summary>
public sealed class JournalSizeProbe(LoadTestOptions options, string runId, ModelCatalog models, ISubjectPicker picker, Func<int, DateTimeOffset, SignalGenerator> generator, Action<string> log)
{
    /// <summary>Rows replayed after a snapshot at most: snapshots are taken every 1,000 signals.</summary>
    private const long SnapshotEvery = 1000;

    // The journal's keys as V010__signal_journal.sql declares them: dropped for a bulk load, then built on every partition.
    private const string DropKeys = "ALTER TABLE signal_journal DROP CONSTRAINT signal_journal_pk, DROP CONSTRAINT signal_journal_signal";

    private const string AddKeys = """
        SET maintenance_work_mem = '1GB';
        ALTER TABLE signal_journal
            ADD CONSTRAINT signal_journal_pk PRIMARY KEY (subject_key, seq),
            ADD CONSTRAINT signal_journal_signal UNIQUE (subject_key, signal_id);
        """;

    public async Task<JournalSizeResult> RunAsync(CancellationToken token)
    {
        var rowsWanted = options.Count ?? 10_000_000;
        await using var database = await RawCopy.StartDatabaseAsync(Path.Combine(Path.GetTempPath(), $"scoregrains-loadtest-{runId}s"), token);
        var space = new SubjectSpace(options.Subjects, options.KindMix, runId);
        var rows = new JournalRows(space, models);
        var clock = DateTimeOffset.UtcNow;
        var batch = options.CopyBatches.Max();
        if (options.IndexAfterLoad)
        {
            await ExecuteAsync(database.ConnectionString, DropKeys, token);
        }

        log($"loading {rowsWanted:N0} journal rows over {options.Subjects:N0} subjects by binary COPY ({options.CopyConnections} connections, {batch:N0} rows per COPY), at most {options.Duration.TotalSeconds:0} s");
        var load = await RawCopy.RunAsync("load", database.ConnectionString, options.CopyConnections, batch, options.Duration, rowsWanted,
            c => generator(c, clock), rows, log, token);

        double? indexBuild = null;
        if (options.IndexAfterLoad)
        {
            log($"building the journal's primary key and signalId key over {load.Rows:N0} rows");
            var building = Stopwatch.GetTimestamp();
            await ExecuteAsync(database.ConnectionString, AddKeys, token);
            indexBuild = Stopwatch.GetElapsedTime(building).TotalSeconds;
            log(string.Create(CultureInfo.InvariantCulture, $"keys built in {indexBuild:0} s"));
        }

        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(token);
        log("ANALYZE signal_journal");
        await using (var analyze = new NpgsqlCommand("ANALYZE signal_journal", connection) { CommandTimeout = 600 })
        {
            await analyze.ExecuteNonQueryAsync(token);
        }

        var storage = await JournalStorage.MeasureAsync(database.ConnectionString, load.Rows, token);
        log(string.Create(CultureInfo.InvariantCulture, $"size: {storage.TotalBytes / 1048576.0:N0} MB for {storage.Rows:N0} rows = {storage.TotalBytesPerMillion / 1048576.0:N1} MB per million signals"));

        var random = new Random(options.Seed);
        var touched = Enumerable.Range(0, 1_000_000).Select(_ => picker.Next(random)).First(s => rows.LastSeq(s) > 0);
        var hottest = Enumerable.Range(0, 100_000).Select(_ => picker.Next(random)).Where(s => rows.LastSeq(s) > 0).MaxBy(rows.LastSeq);

        // The silo's own replay: its reader, its pages, every column read into entries.
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
        var reader = new JournalReader(dataSource);

        // Warm: a few replays so the connection and the catalog caches settle.
        for (var i = 0; i < 20; i++)
        {
            await TimeAsync(reader, space.KeyOf(touched), 0, token);
        }

        var timings = await SampleBothAsync("");
        if (options.ClusterAfterLoad)
        {
            // Rewrites every partition in primary-key order, so a subject's rows sit together; then the same subjects again.
            log("CLUSTER signal_journal USING signal_journal_pk");
            var clustering = Stopwatch.GetTimestamp();
            // One statement per round trip: CLUSTER of a partitioned table refuses to run inside a multi-statement batch.
            await ExecuteAsync(database.ConnectionString, "CLUSTER signal_journal USING signal_journal_pk", token);
            await ExecuteAsync(database.ConnectionString, "ANALYZE signal_journal", token);
            log(string.Create(CultureInfo.InvariantCulture, $"clustered in {Stopwatch.GetElapsedTime(clustering).TotalSeconds:0} s"));
            timings.AddRange(await SampleBothAsync(", after CLUSTER"));
        }

        var plan = new List<string>();
        await using (var explain = new NpgsqlCommand("EXPLAIN (ANALYZE, BUFFERS) " + JournalReader.ReplayPageSql, connection))
        {
            explain.Parameters.Add(new NpgsqlParameter<string> { TypedValue = space.KeyOf(hottest) });
            explain.Parameters.Add(new NpgsqlParameter<long> { TypedValue = Math.Max(0, rows.LastSeq(hottest) - SnapshotEvery) });
            explain.Parameters.Add(new NpgsqlParameter<int> { TypedValue = JournalReader.ReplayPageRows });
            await using var lines = await explain.ExecuteReaderAsync(token);
            while (await lines.ReadAsync(token))
            {
                plan.Add(lines.GetString(0));
            }
        }

        var planText = string.Join('\n', plan);
        log($"plan of the replay query for the most active subject ({rows.LastSeq(hottest):N0} rows):\n{planText}");
        return new JournalSizeResult(options.Subjects, load, storage, timings, planText, planText.Contains("_pkey", StringComparison.Ordinal))
        {
            IndexBuildSeconds = indexBuild,
        };

        // Each kind of sample from its own seed, so a second round times the same subjects.
        async Task<List<ReplayTiming>> SampleBothAsync(string suffix)
        {
            var uniform = new Random(options.Seed + 1);
            var weighted = new Random(options.Seed + 2);
            return
            [
                await SampleAsync(reader, "whole history (seq > 0) of uniformly random subjects" + suffix, () => Uniform(uniform, rows), _ => 0, space, token),
                await SampleAsync(reader, $"after a snapshot (seq > last - {SnapshotEvery}) of Zipf-weighted subjects (as traffic activates them){suffix}",
                    () => Weighted(weighted, rows), s => Math.Max(0, rows.LastSeq(s) - SnapshotEvery), space, token),
            ];
        }

        long Weighted(Random r, JournalRows j)
        {
            while (true)
            {
                var s = picker.Next(r);
                if (j.LastSeq(s) > 0)
                {
                    return s;
                }
            }
        }

        long Uniform(Random r, JournalRows j)
        {
            while (true)
            {
                var s = r.NextInt64(options.Subjects);
                if (j.LastSeq(s) > 0)
                {
                    return s;
                }
            }
        }
    }

    private static async Task ExecuteAsync(string connectionString, string sql, CancellationToken token)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(token);
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync(token);
    }

    private async Task<ReplayTiming> SampleAsync(JournalReader replay, string name, Func<long> subject, Func<long, long> after, SubjectSpace space, CancellationToken token)
    {
        var histogram = HistogramFactory.With64BitBucketSize().WithValuesFrom(1).WithValuesUpTo(3_600_000_000).WithPrecisionOf(3).Create();
        long totalRows = 0;
        long maxRows = 0;
        for (var i = 0; i < options.ReplaySamples && !token.IsCancellationRequested; i++)
        {
            var s = subject();
            var (micros, count) = await TimeAsync(replay, space.KeyOf(s), after(s), token);
            histogram.RecordValue(Math.Max(1, micros));
            totalRows += count;
            maxRows = Math.Max(maxRows, count);
        }

        var timing = new ReplayTiming(name, options.ReplaySamples, (double)totalRows / Math.Max(1, options.ReplaySamples), maxRows, LatencySummary.From(histogram));
        log(string.Create(CultureInfo.InvariantCulture, $"replay, {name}: p50 {timing.Latency.P50Ms:0.###} ms, p99 {timing.Latency.P99Ms:0.###} ms, max {timing.Latency.MaxMs:0.###} ms, {timing.MeanRows:0.#} rows per subject on average (max {maxRows:N0})"));
        return timing;
    }

    private static async Task<(long Micros, long Rows)> TimeAsync(JournalReader replay, string key, long after, CancellationToken token)
    {
        var started = Stopwatch.GetTimestamp();
        long count = 0;
        await foreach (var _ in replay.ReadAfterAsync(key, after, cancellationToken: token))
        {
            count++;
        }

        return ((long)Stopwatch.GetElapsedTime(started).TotalMicroseconds, count);
    }
}
