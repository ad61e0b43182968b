using Npgsql;
using ScoreGrains.Contracts;
using ScoreGrains.Scoring;
using ScoreGrains.Tests.Infrastructure;

namespace ScoreGrains.Tests.Cluster;

/// <summary>
/// If Orleans ever runs two activations of one subject (a silo declared dead while it still runs), the journal's key
/// <c>(subject_key, seq)</c> refuses the writer that is behind, and that activation reloads instead of acknowledging.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class TwoActivationFenceTests(ClusterFixture fixture)
{
    [Fact]
    public async Task TheActivationThatIsBehindTheJournalIsRefusedAndReloadsInsteadOfAcknowledging()
    {
        // Two clusters on one database: the journal is keyed by subject alone, so one subject has two live activations
        // writing one journal, as a silo that was declared dead and still runs would have beside its successor.
        var zombie = await fixture.StartClusterAsync(fixture.ServiceId + "-zombie");
        try
        {
            var id = Signals.NewId();
            var key = SubjectKey.Format("citizen", id);
            var live = fixture.Cluster.Client;
            var stale = zombie.Client;
            var ledger = new AckLedger();

            // Both activate (each replays an empty journal) before either writes.
            await live.GetGrain<ISubjectGrain>(key).GetScoreAsync();
            await stale.GetGrain<ISubjectGrain>(key).GetScoreAsync();

            var first = Signals.For("citizen", id, "court.judgment_defaulted");
            Assert.Empty(ledger.Record([first], (await live.GetGrain<IIngestGrain>(0).IngestAsync([first])).Outcomes));

            // The stale activation takes journal position 1 for its signal too: refused. A signal of another subject in
            // the same batch is not held back by it.
            var second = Signals.For("citizen", id, "payment.on_time");
            var bystander = Signals.For("citizen", Signals.NewId(), "payment.on_time");
            var fenced = await stale.GetGrain<IIngestGrain>(0).IngestAsync([second, bystander]);
            Assert.Equal([SignalStatus.Failed, SignalStatus.Applied], fenced.Outcomes.Select(o => o.Status));

            // Retried as a producer would, it lands after the first writer's signal, on a reloaded activation.
            await AcknowledgeAsync(stale, second, ledger);
            var third = Signals.For("citizen", id, "bill.paid");
            // Now the first activation is the one behind: fenced in turn, then reloaded.
            var tries = await AcknowledgeAsync(live, third, ledger);
            Assert.Equal(SignalStatus.Failed, tries[0]);

            var models = ModelCatalog.LoadDirectory(Path.Combine(AppContext.BaseDirectory, "cluster-config", "models"));
            var (expected, count) = ledger.Fold(key, models);
            // The activation that wrote last holds the journal's state. (The other, until it writes and is fenced or its
            // silo stops, answers reads from what it last knew: a zombie silo's reads may lag, its writes cannot land.)
            var score = await live.GetGrain<ISubjectGrain>(key).GetScoreAsync();
            Assert.Equal(count, score.SignalCount);
            Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(score.Score));

            Assert.Equal([first.SignalId!, second.SignalId!, third.SignalId!], await JournalOfAsync(key));
        }
        finally
        {
            await zombie.StopAllSilosAsync();
            await zombie.DisposeAsync();
        }
    }

    /// <summary>Sends <paramref name="signal"/> until it is acknowledged (applied); returns each try's status.</summary>
    private static async Task<List<SignalStatus>> AcknowledgeAsync(IClusterClient cluster, SignalInput signal, AckLedger ledger)
    {
        var ingest = cluster.GetGrain<IIngestGrain>(0);
        var attempts = new List<SignalStatus>();
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var outcome = Assert.Single((await ingest.IngestAsync([signal])).Outcomes);
            attempts.Add(outcome.Status);
            if (ledger.Record([signal], [outcome]).Count == 0)
            {
                Assert.Equal(SignalStatus.Applied, outcome.Status);
                return attempts;
            }

            // Refused and deactivating: the next call reaches a fresh activation once this one has gone.
            await Task.Delay(50);
        }

        Assert.Fail($"{signal.SignalId} was never acknowledged: {string.Join(", ", attempts)}");
        return attempts;
    }

    private async Task<List<string>> JournalOfAsync(string key)
    {
        await using var connection = new NpgsqlConnection(fixture.Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT seq, signal_id FROM signal_journal WHERE subject_key = $1 ORDER BY seq", connection)
        {
            Parameters = { new() { Value = key } },
        };
        var ids = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            Assert.Equal(ids.Count + 1, reader.GetInt64(0));
            ids.Add(reader.GetString(1));
        }

        return ids;
    }
}
