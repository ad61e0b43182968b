using System.Net;
using System.Net.Http.Json;
using Npgsql;
using ScoreGrains.Contracts;
using ScoreGrains.Scoring;
using ScoreGrains.Silo.Hosting;
using ScoreGrains.Tests.Infrastructure;

namespace ScoreGrains.Tests.Cluster;

/// <summary>
/// Three silo processes on one PostgreSQL (postgres clustering), a producer posting to two of them, kill -9 of the
/// third mid-load, then a rolling restart of all three under load. Afterwards: every subject's journal holds exactly
/// its acknowledged signals and its score is their fold; retries with the same ids got applied or duplicate; an SSE
/// subscriber that started on silo 1 and resumed with Last-Event-ID got exactly the run's crossings, in order.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ThreeSiloClusterTests(ClusterFixture fixture)
{
    private static readonly string[] Types =
        ["court.judgment_defaulted", "payment.on_time", "payment.late", "bill.paid", "tax.arrears", "traffic.violation", "loan.repaid"];

    private static readonly TimeSpan Stage = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task KillAndRollingRestartLoseNothingAcknowledgedAndTheFeedHasNoGapOrRepeat()
    {
        var connectionString = fixture.Database.ConnectionString;
        var run = Signals.NewId()[^8..];
        string[] cluster = [$"--ScoreGrains:Cluster:Clustering={ClusteringModes.Postgres}", $"--ScoreGrains:Cluster:ClusterId=three-{run}"];
        var serviceId = "three-" + run;
        var subjects = Enumerable.Range(0, 60).Select(i => $"c{i}-{run}").ToArray();
        var startSequence = await MaxCrossingSequenceAsync(connectionString);

        var ports = Enumerable.Range(0, 3).Select(_ => SiloPorts.Free()).ToArray();
        var silos = new SiloProcess?[3];
        try
        {
            await Task.WhenAll(Enumerable.Range(0, 3).Select(async i => silos[i] = await SiloProcess.StartAsync(connectionString, serviceId, ports[i], cluster)));
            await ClusterStatsProbe.WaitForSilosAsync(silos[0]!.HttpAddress, 3, Stage);

            // The producer posts to silos 1 and 2 while silo 3 lives; during the rolling restart, to whichever are up.
            var targets = new[] { true, true, false };
            IReadOnlyList<Uri> Targets()
            {
                lock (targets)
                {
                    return [.. Enumerable.Range(0, 3).Where(i => targets[i]).Select(i => ports[i].HttpAddress)];
                }
            }

            void Target(int silo, bool on)
            {
                lock (targets)
                {
                    targets[silo] = on;
                }
            }

            await using var follower = new CrossingFollower(() => [.. ports.Select(p => p.HttpAddress)], startSequence);
            using var producer = new RoundRobinProducer("citizen", subjects, Types, batchSize: 25, seed: 20261205);
            using var producing = new CancellationTokenSource();
            var production = Task.Run(() => producer.RunAsync(Targets, producing.Token));

            await producer.WaitForBatchesAsync(20, "before the kill", Stage);
            silos[2]!.KillHard();
            await producer.WaitForBatchesAsync(40, "after the kill", Stage);
            await DisposeAsync(silos, 2);
            silos[2] = await SiloProcess.StartAsync(connectionString, serviceId, ports[2], cluster);
            Target(2, true);
            await producer.WaitForBatchesAsync(20, "after silo 3 came back", Stage);

            for (var i = 0; i < 3; i++)
            {
                Target(i, false);
                await silos[i]!.StopAsync(TimeSpan.FromSeconds(60));
                await DisposeAsync(silos, i);
                await producer.WaitForBatchesAsync(10, $"while silo {i + 1} was down", Stage);
                silos[i] = await SiloProcess.StartAsync(connectionString, serviceId, ports[i], cluster);
                Target(i, true);
                await producer.WaitForBatchesAsync(10, $"after silo {i + 1} restarted", Stage);
            }

            await producing.CancelAsync();
            await production.WaitAsync(Stage);
            Assert.True(producer.Unacknowledged.Count > 0, "the kill and the restarts left nothing unacknowledged: the test did not catch any signal in flight");
            var retried = await producer.RetryUnacknowledgedAsync(ports[0].HttpAddress, Stage);
            // Each retry ends applied or duplicate (the retry loop runs until it does); none may be refused.
            Assert.DoesNotContain(SignalStatus.Rejected, retried);
            // 503 is the API's documented "not stored, retry the same ids"; any other server error is a bug.
            Assert.True(
                producer.Errors.All(status => (int)status < 500 || status == HttpStatusCode.ServiceUnavailable),
                $"the producer saw server errors: {string.Join(", ", producer.Errors)}");

            using var http = new HttpClient { BaseAddress = ports[1].HttpAddress, Timeout = TimeSpan.FromSeconds(30) };
            await AssertEveryScoreIsTheFoldOfItsAcknowledgedSignalsAsync(http, connectionString, producer.Ledger);

            var crossings = await CrossingsAfterAsync(connectionString, startSequence);
            Assert.Contains(crossings, c => c.EndsWith($"-{run}", StringComparison.Ordinal));
            var last = long.Parse(crossings[^1].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
            await follower.WaitForAsync(last, Stage);
            var received = follower.Received.Where(c => c.Sequence <= last).Select(c => $"{c.Sequence} {SubjectKey.Format(c.Kind, c.Id)}").ToList();
            Assert.True(follower.Connections > 1, "the subscriber never had to resume");
            Assert.Equal(crossings, received);
        }
        catch (Exception exception) when (exception is not Xunit.Sdk.XunitException)
        {
            throw new InvalidOperationException(
                $"{exception.Message}{Environment.NewLine}{string.Join(Environment.NewLine, silos.Select((s, i) => $"--- silo {i + 1}:{Environment.NewLine}{s?.LogTail}"))}",
                exception);
        }
        finally
        {
            for (var i = 0; i < 3; i++)
            {
                await DisposeAsync(silos, i);
            }
        }
    }

    private static async Task AssertEveryScoreIsTheFoldOfItsAcknowledgedSignalsAsync(HttpClient http, string connectionString, AckLedger ledger)
    {
        var models = ModelCatalog.LoadDirectory(Path.Combine(AppContext.BaseDirectory, "cluster-config", "models"));
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        foreach (var key in ledger.Subjects)
        {
            // A signal whose answer was lost was applied where it first arrived, so the journal's order is the truth.
            var journal = await JournalSignalIdsAsync(connection, key);
            var acknowledged = ledger.AcknowledgedIds(key);
            Assert.True(journal.Count == journal.Distinct(StringComparer.Ordinal).Count(), $"{key}: a signal is in the journal twice");
            Assert.True(
                acknowledged.SetEquals(journal),
                $"{key}: acknowledged but not journaled: [{string.Join(", ", acknowledged.Except(journal))}]; journaled but never acknowledged: [{string.Join(", ", journal.Except(acknowledged))}]");

            var (_, id) = SubjectKey.Parse(key);
            var score = await http.GetFromJsonAsync<SubjectScore>($"/v1/subjects/citizen/{id}", ApiJson.Options);
            var (expected, count) = ledger.FoldInOrder(key, journal, models);
            Assert.True(count == score!.SignalCount, $"{key}: {count} acknowledged signals, the cluster counts {score.SignalCount}");
            Assert.True(
                BitConverter.DoubleToInt64Bits(expected) == BitConverter.DoubleToInt64Bits(score.Score),
                $"{key}: the fold of its acknowledged signals gives {expected:R}, the cluster says {score.Score:R}");
        }
    }

    private static async Task<List<string>> JournalSignalIdsAsync(NpgsqlConnection connection, string subjectKey)
    {
        await using var command = new NpgsqlCommand("SELECT signal_id FROM signal_journal WHERE subject_key = $1 ORDER BY seq", connection)
        {
            Parameters = { new() { Value = subjectKey } },
        };
        var ids = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    /// <summary>Every crossing stored after <paramref name="after"/> (this run's and any other test's), as "sequence key".</summary>
    private static async Task<List<string>> CrossingsAfterAsync(string connectionString, long after)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT sequence, subject_key FROM crossings WHERE sequence > $1 ORDER BY sequence", connection)
        {
            Parameters = { new() { Value = after } },
        };
        var crossings = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            crossings.Add($"{reader.GetInt64(0)} {reader.GetString(1)}");
        }

        return crossings;
    }

    private static async Task<long> MaxCrossingSequenceAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT coalesce(max(sequence), 0) FROM crossings", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task DisposeAsync(SiloProcess?[] silos, int i)
    {
        if (silos[i] is { } silo)
        {
            silos[i] = null;
            await silo.DisposeAsync();
        }
    }
}
