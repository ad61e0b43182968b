using System.Diagnostics;
using System.Globalization;
using HdrHistogram;
using Npgsql;
using ScoreGrains.LoadTest.Generation;
using ScoreGrains.LoadTest.Resources;
using ScoreGrains.LoadTest.Running;
using ScoreGrains.Postgres.Journal;

namespace ScoreGrains.LoadTest.Journal;

/// <summary>Rows written straight into <c>signal_journal</c> by batched binary COPY: what PostgreSQL takes with nothing else in the way.</summary>
/// <param name="Name">What the stretch was, e.g. <c>raw COPY 2x5000</c>.</param>
/// <param name="BatchLatency">Time of one COPY (one batch, one transaction, one commit).</param>
/// <param name="TableRows">Rows already in the table when the stretch started.</param>
public sealed record CopyResult(string Name, int Connections, int BatchRows, long Rows, double Seconds, double RowsPerSecond, LatencySummary BatchLatency, long TableRows = 0)
{
    /// <summary>CPU use over the stretch: PostgreSQL's is what raw COPY costs it per row.</summary>
    public CpuUse? Cpu { get; init; }

    /// <summary>CPU time per row written.</summary>
    public CpuTimePerItem? CpuPerRow => Cpu?.PerItem(Seconds, Rows);
}

/// <summary>
/// Writes journal rows by binary COPY (<see cref="NpgsqlConnection.BeginRawBinaryCopy"/>, encoded by the silo's own
/// <see cref="JournalCopyBuffer"/>) from several connections,
/// each COPY its own transaction (autocommit: one commit, with fsync, per batch), until a duration or a row count.
/// The rows are made by the load generator as the copy goes (it makes millions of signals per second per core).
/// </summary>
public static class RawCopy
{
    public static async Task<CopyResult> RunAsync(
        string name,
        string connectionString,
        int connections,
        int batchRows,
        TimeSpan duration,
        long maxRows,
        Func<int, SignalGenerator> generator,
        JournalRows rows,
        Action<string> log,
        CancellationToken cancellationToken)
    {
        long claimed = 0;
        long written = 0;
        var histograms = new HistogramBase[connections];
        var cpuAtStart = CpuReading.Now();
        var started = Stopwatch.GetTimestamp();
        var writers = Enumerable.Range(0, connections).Select(c => Task.Run(async () =>
        {
            var histogram = HistogramFactory.With64BitBucketSize().WithValuesFrom(1).WithValuesUpTo(3_600_000_000).WithPrecisionOf(3).Create();
            histograms[c] = histogram;
            var generate = generator(c);
            var buffer = new JournalCopyBuffer();
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
            while (!cancellationToken.IsCancellationRequested && Stopwatch.GetElapsedTime(started) < duration)
            {
                var size = (int)Math.Min(batchRows, maxRows - Interlocked.Add(ref claimed, batchRows) + batchRows);
                if (size <= 0)
                {
                    break;
                }

                var batch = generate.Next(size, Stopwatch.GetElapsedTime(started));
                var begin = Stopwatch.GetTimestamp();
                buffer.Start();
                rows.Write(buffer, batch, DateTimeOffset.UtcNow);
                using (var copy = connection.BeginRawBinaryCopy(JournalRows.CopyCommand))
                {
                    copy.Write(buffer.Finish());
                }

                histogram.RecordValue(Math.Max(1, (long)Stopwatch.GetElapsedTime(begin).TotalMicroseconds));
                Interlocked.Add(ref written, size);
            }
        }, CancellationToken.None)).ToList();

        var progress = Task.Run(async () =>
        {
            while (!Task.WhenAll(writers).IsCompleted)
            {
                await Task.WhenAny(Task.WhenAll(writers), Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None));
                var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
                var now = Interlocked.Read(ref written);
                log(string.Create(CultureInfo.InvariantCulture, $"{name}: {now:N0} rows in {seconds:0} s = {now / seconds:N0} rows/s"));
            }
        }, CancellationToken.None);
        await Task.WhenAll(writers);
        await progress;
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var all = histograms[0].Copy();
        foreach (var h in histograms.Skip(1))
        {
            all.Add(h);
        }

        return new CopyResult(name, connections, batchRows, written, elapsed, written / elapsed, LatencySummary.From(all))
        {
            Cpu = CpuReading.Now().Since(cpuAtStart),
        };
    }

    /// <summary>Starts a fresh embedded PostgreSQL (durable: fsync and synchronous_commit on) with the silo's schema.</summary>
    public static async Task<Postgres.EmbeddedPostgres> StartDatabaseAsync(string dataDirectory, CancellationToken cancellationToken)
    {
        var logger = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        var server = await Postgres.EmbeddedPostgres.StartAsync(
            new Postgres.EmbeddedPostgresOptions { DataDirectory = dataDirectory, DeleteOnDispose = true, Durable = true },
            logger,
            cancellationToken);
        try
        {
            await Postgres.SchemaMigrator.ApplyAsync(server.ConnectionString, Path.Combine(AppContext.BaseDirectory, "cluster-config", "postgres"), logger, cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }
}
