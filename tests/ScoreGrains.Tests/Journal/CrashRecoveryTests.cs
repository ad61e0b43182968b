using System.Net.Http.Json;
using ScoreGrains.Contracts;
using ScoreGrains.Scoring;
using ScoreGrains.Tests.Infrastructure;

namespace ScoreGrains.Tests.Journal;

/// <summary>kill -9 of the silo process mid-load: nothing acknowledged is lost, nothing is counted twice.</summary>
[Collection(ClusterCollection.Name)]
public sealed class CrashRecoveryTests(ClusterFixture fixture)
{
    private static readonly string[] Types = ["payment.on_time", "payment.late", "bill.paid", "tax.arrears", "traffic.violation", "loan.repaid"];

    [Fact]
    public async Task AfterAKillMinusNineEveryScoreIsTheFoldOfExactlyItsAcknowledgedSignals()
    {
        var serviceId = "crash-" + Signals.NewId();
        var subjects = Enumerable.Range(0, 40).Select(i => $"crash{i}-{serviceId[^6..]}").ToArray();
        var ledger = new AckLedger();
        var random = new Random(20261128);
        var start = DateTimeOffset.UtcNow.AddDays(-1);
        var sent = 0;
        List<SignalInput> NextBatch() => [.. Enumerable.Range(0, 25).Select(_ => Signals.For(
            "citizen", subjects[random.Next(subjects.Length)], Types[random.Next(Types.Length)], occurredAt: start.AddSeconds(sent++)))];

        var unacknowledged = new List<SignalInput>();
        await using (var silo = await SiloProcess.StartAsync(fixture.Database.ConnectionString, serviceId))
        {
            using var http = new HttpClient { BaseAddress = silo.HttpAddress, Timeout = TimeSpan.FromSeconds(30) };
            for (var i = 0; i < 20; i++)
            {
                var batch = NextBatch();
                Assert.Empty(ledger.Record(batch, await PostAsync(http, batch)));
            }

            // Keep producing while the process dies under it: whatever was in flight is unacknowledged.
            using var producing = new CancellationTokenSource();
            var producer = Task.Run(async () =>
            {
                while (!producing.IsCancellationRequested)
                {
                    var batch = NextBatch();
                    try
                    {
                        unacknowledged.AddRange(ledger.Record(batch, await PostAsync(http, batch)));
                    }
                    catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
                    {
                        unacknowledged.AddRange(batch);
                        return;
                    }
                }
            });
            await Task.Delay(TimeSpan.FromMilliseconds(random.Next(300, 900)));
            silo.KillHard();
            await producer.WaitAsync(TimeSpan.FromSeconds(60));
        }

        Assert.NotEmpty(unacknowledged);
        await using var restarted = await SiloProcess.StartAsync(fixture.Database.ConnectionString, serviceId);
        using var client = new HttpClient { BaseAddress = restarted.HttpAddress, Timeout = TimeSpan.FromSeconds(30) };
        foreach (var retry in unacknowledged.Chunk(25))
        {
            Assert.Empty(ledger.Record(retry, await PostAsync(client, retry)));
        }

        var models = ModelCatalog.LoadDirectory(Path.Combine(AppContext.BaseDirectory, "cluster-config", "models"));
        foreach (var key in ledger.Subjects)
        {
            var (_, id) = SubjectKey.Parse(key);
            var score = await client.GetFromJsonAsync<SubjectScore>($"/v1/subjects/citizen/{id}", ApiJson.Options);
            var (expected, count) = ledger.Fold(key, models);
            Assert.True(count == score!.SignalCount, $"{key}: {count} acknowledged signals, the cluster counts {score.SignalCount}");
            Assert.True(
                BitConverter.DoubleToInt64Bits(expected) == BitConverter.DoubleToInt64Bits(score.Score),
                $"{key}: the fold of its acknowledged signals gives {expected:R}, the cluster says {score.Score:R}");
        }
    }

    private static async Task<IReadOnlyList<SignalOutcome>> PostAsync(HttpClient http, IReadOnlyList<SignalInput> batch)
    {
        using var response = await http.PostAsJsonAsync("/v1/signals", batch, ApiJson.Options);
        var result = await response.Content.ReadFromJsonAsync<IngestResult>(ApiJson.Options);
        return result!.Outcomes;
    }
}
