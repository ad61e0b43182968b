using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.TestingHost;
using ScoreGrains.Contracts;
using ScoreGrains.Grains.Ingest;
using ScoreGrains.Grains.Subjects;
using ScoreGrains.Postgres.Journal;
using ScoreGrains.Tests.Infrastructure;

namespace ScoreGrains.Tests.Journal;

[Collection(ClusterCollection.Name)]
public sealed class JournalModeTests(ClusterFixture fixture)
{
    [Fact]
    public async Task ReplayAfterASnapshotGivesTheSameScoreBitForBit()
    {
        var serviceId = "replay-" + Signals.NewId();
        var settings = new Dictionary<string, string>
        {
            ["ScoreGrains:SnapshotEverySignals"] = "5",
            ["ScoreGrains:SnapshotMinInterval"] = "00:00:00",
        };
        var id = Signals.NewId();
        SubjectScore before;

        var first = await fixture.StartClusterAsync(serviceId, settings);
        try
        {
            var ingest = first.Client.GetGrain<IIngestGrain>(0);
            for (var i = 0; i < 12; i++)
            {
                var type = i % 3 == 0 ? "payment.late" : "payment.on_time";
                // Sub-microsecond ticks on purpose, also before 2000 (PostgreSQL's epoch, where rounding turns):
                // PostgreSQL drops them, and replay must still match bit for bit.
                var day = i % 4 == 3 ? new DateTimeOffset(1999, 12, 30, 0, 0, 0, TimeSpan.Zero).AddDays(i) : Signals.Now.AddDays(i - 30);
                var occurredAt = day.AddTicks(7 - (day.Ticks % 10));
                await ingest.IngestAsync([Signals.For("citizen", id, type, occurredAt: occurredAt)]);
            }

            before = await first.Client.GetGrain<ISubjectGrain>($"citizen/{id}").GetScoreAsync();
        }
        finally
        {
            // A hard stop: no deactivation, so no final snapshot. The next activation must replay.
            await first.KillSiloAsync(first.Primary!);
            await first.DisposeAsync();
        }

        Assert.Equal(10, await SnapshotPositionAsync(serviceId, $"citizen/{id}"));
        var second = await fixture.StartClusterAsync(serviceId, settings);
        try
        {
            var after = await second.Client.GetGrain<ISubjectGrain>($"citizen/{id}").GetScoreAsync();
            Assert.Equal(12, after.SignalCount);
            Assert.Equal(BitConverter.DoubleToInt64Bits(before.Score), BitConverter.DoubleToInt64Bits(after.Score));
        }
        finally
        {
            await StopAsync(second);
        }
    }

    [Fact]
    public async Task ASubjectThatReachesTheSnapshotCountTooSoonWaitsForTheMinimumInterval()
    {
        var serviceId = "busy-" + Signals.NewId();
        var settings = new Dictionary<string, string>
        {
            ["ScoreGrains:SnapshotEverySignals"] = "5",
            ["ScoreGrains:SnapshotMinInterval"] = "01:00:00",
        };
        var id = Signals.NewId();
        var first = await fixture.StartClusterAsync(serviceId, settings);
        try
        {
            var ingest = first.Client.GetGrain<IIngestGrain>(0);
            for (var i = 0; i < 12; i++)
            {
                await ingest.IngestAsync([Signals.For("citizen", id, "payment.on_time", occurredAt: Signals.Now.AddMinutes(i - 30))]);
            }
        }
        finally
        {
            // A hard stop: no deactivation snapshot either.
            await first.KillSiloAsync(first.Primary!);
            await first.DisposeAsync();
        }

        Assert.Null(await SnapshotPositionAsync(serviceId, $"citizen/{id}"));
        var second = await fixture.StartClusterAsync(serviceId, settings);
        try
        {
            // Everything is still there: the journal, replayed from the start.
            Assert.Equal(12, (await second.Client.GetGrain<ISubjectGrain>($"citizen/{id}").GetScoreAsync()).SignalCount);
        }
        finally
        {
            await StopAsync(second);
        }
    }

    [Fact]
    public async Task StoppingWritesNoSnapshotAnIdleDeactivationDoesAndBothReplayBitForBit()
    {
        var serviceId = "deactivation-" + Signals.NewId();
        var id = Signals.NewId();
        var key = $"citizen/{id}";
        SubjectScore before;

        var first = await fixture.StartClusterAsync(serviceId);
        try
        {
            var ingest = first.Client.GetGrain<IIngestGrain>(0);
            foreach (var type in new[] { "bill.paid", "payment.late", "bill.paid" })
            {
                await ingest.IngestAsync([Signals.For("citizen", id, type)]);
            }

            before = await first.Client.GetGrain<ISubjectGrain>(key).GetScoreAsync();
        }
        finally
        {
            await StopAsync(first);
        }

        // A graceful stop deactivates every subject as ShuttingDown: the journal holds the signals, so no snapshot.
        Assert.Null(await SnapshotPositionAsync(serviceId, key));

        var second = await fixture.StartClusterAsync(serviceId);
        try
        {
            var replayed = await second.Client.GetGrain<ISubjectGrain>(key).GetScoreAsync();
            Assert.Equal(3, replayed.SignalCount);
            Assert.Equal(BitConverter.DoubleToInt64Bits(before.Score), BitConverter.DoubleToInt64Bits(replayed.Score));

            // Deactivated idle, one subject at a time, it writes its snapshot.
            await second.Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
            Assert.Equal(3, await SnapshotPositionAsync(serviceId, key));
            var fromSnapshot = await second.Client.GetGrain<ISubjectGrain>(key).GetScoreAsync();
            Assert.Equal(BitConverter.DoubleToInt64Bits(before.Score), BitConverter.DoubleToInt64Bits(fromSnapshot.Score));
        }
        finally
        {
            await StopAsync(second);
        }
    }

    [Fact]
    public async Task ARetryOfASignalOutsideTheRecentWindowIsStillADuplicate()
    {
        var settings = new Dictionary<string, string> { ["ScoreGrains:DeduplicationWindow"] = "2" };
        var cluster = await fixture.StartClusterAsync("window-" + Signals.NewId(), settings);
        try
        {
            var id = Signals.NewId();
            var signals = Enumerable.Range(0, 6).Select(i => Signals.For("official", id, "audit.clean", occurredAt: Signals.Now.AddHours(i - 10))).ToList();
            var ingest = cluster.Client.GetGrain<IIngestGrain>(0);
            foreach (var signal in signals)
            {
                await ingest.IngestAsync([signal]);
            }

            var retry = await ingest.IngestAsync([signals[0], signals[1]]);

            Assert.All(retry.Outcomes, o => Assert.Equal(SignalStatus.Duplicate, o.Status));
            Assert.Equal(6, (await cluster.Client.GetGrain<ISubjectGrain>($"official/{id}").GetScoreAsync()).SignalCount);
        }
        finally
        {
            await StopAsync(cluster);
        }
    }

    [Fact]
    public async Task EverySignalIsJournaledInTheOrderItsSubjectAppliedIt()
    {
        var id = Signals.NewId();
        var signals = Enumerable.Range(0, 5).Select(i => Signals.For("company", id, i % 2 == 0 ? "tax.arrears" : "tax.paid_on_time")).ToList();

        var result = await fixture.Cluster.Client.GetGrain<IIngestGrain>(0).IngestAsync(signals);

        await using var connection = new NpgsqlConnection(fixture.Database.ConnectionString);
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand("SELECT seq, signal_id, score_after FROM signal_journal WHERE subject_key = $1 ORDER BY seq", connection);
        query.Parameters.AddWithValue($"company/{id}");
        var rows = new List<(long Seq, string SignalId, double ScoreAfter)>();
        await using var reader = await query.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetInt64(0), reader.GetString(1), reader.GetDouble(2)));
        }

        Assert.Equal([1L, 2, 3, 4, 5], rows.Select(r => r.Seq));
        Assert.Equal(signals.Select(s => s.SignalId), rows.Select(r => r.SignalId));
        Assert.Equal(result.Outcomes.Select(o => o.Score!.Value), rows.Select(r => r.ScoreAfter));
    }

    [Fact]
    public async Task ASubjectFoldsItsNextCallsWhileACommitIsInFlightAndReadsWaitForThem()
    {
        var journal = ((InProcessSiloHandle)fixture.Cluster.Primary!).SiloHost.Services.GetRequiredService<SignalJournal>();
        var id = Signals.NewId();
        var ingest = fixture.Cluster.Client.GetGrain<IIngestGrain>(0);
        var subject = fixture.Cluster.Client.GetGrain<ISubjectGrain>($"citizen/{id}");
        await subject.GetScoreAsync();
        var (commits, appends) = (journal.Statistics.Commits, journal.Statistics.Appends);

        // Hold the journal so the first commit waits: the calls behind it must fold meanwhile and share a later
        // commit (one call per commit would take eight), and a read must not see what is not committed yet.
        const int Calls = 8;
        Task<IngestResult>[] calls;
        Task<SubjectScore> read;
        await using (var hold = await JournalLock.HoldAsync(fixture.Database.ConnectionString))
        {
            calls = [.. Enumerable.Range(0, Calls).Select(i => ingest.IngestAsync([Signals.For("citizen", id, i % 3 == 0 ? "payment.late" : "payment.on_time")]))];
            var folded = Stopwatch.StartNew();
            while (journal.Statistics.Waiting < Calls && folded.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(20);
            }

            Assert.Equal(Calls, journal.Statistics.Waiting);
            read = subject.GetScoreAsync();
            Assert.NotSame(read, await Task.WhenAny(read, Task.Delay(TimeSpan.FromSeconds(2))));
            Assert.DoesNotContain(calls, c => c.IsCompleted);
            await hold.ReleaseAsync();
        }

        var outcomes = (await Task.WhenAll(calls)).Select(r => Assert.Single(r.Outcomes)).ToList();
        Assert.All(outcomes, o => Assert.Equal(SignalStatus.Applied, o.Status));
        Assert.Equal(Calls, journal.Statistics.Appends - appends);
        Assert.True(journal.Statistics.Commits - commits <= 3, $"{Calls} pipelined calls took {journal.Statistics.Commits - commits} commits");

        // The read answered with a committed state: the journal's score after as many signals as it counted.
        var score = await read;
        await using var dataSource = NpgsqlDataSource.Create(fixture.Database.ConnectionString);
        var stored = await new JournalReader(dataSource).ReadAfterAsync($"citizen/{id}", 0).ToListAsync();
        Assert.Equal(Enumerable.Range(1, Calls).Select(i => (long)i), stored.Select(e => e.Seq));
        Assert.InRange(score.SignalCount, 1, Calls);
        Assert.Equal(stored[(int)score.SignalCount - 1].ScoreAfter, score.Score);
        Assert.Equal(stored[^1].ScoreAfter, (await subject.GetScoreAsync()).Score);
    }

    [Fact]
    public async Task OnItsOwnSiloTheIngestGrainTakesOverTheWaitForTheCommitAndAnyOtherCallerWaitsForTheSubject()
    {
        var services = ((InProcessSiloHandle)fixture.Cluster.Primary!).SiloHost.Services;
        var grains = services.GetRequiredService<IGrainFactory>();
        var handoff = services.GetRequiredService<CommitHandoff>();
        var id = Signals.NewId();
        var subject = grains.GetGrain<ISubjectIngestGrain>($"citizen/{id}");
        await grains.GetGrain<ISubjectGrain>($"citizen/{id}").GetScoreAsync();

        var batch = handoff.Open(2);
        Task<IReadOnlyList<SignalOutcome>> handedOff, waited;
        HandedOffCommit[] commits;
        await using (var hold = await JournalLock.HoldAsync(fixture.Database.ConnectionString))
        {
            // With this silo's ticket the subject answers once it has folded, its commit still waiting behind the lock.
            handedOff = subject.ApplyAsync([ToSubjectSignal(Signals.For("citizen", id, "payment.on_time"))], batch.Ticket(0));
            var outcome = Assert.Single(await handedOff.WaitAsync(TimeSpan.FromSeconds(30)));
            Assert.Equal(SignalStatus.Applied, outcome.Status);

            // A ticket of another silo's hand-off (or of a closed batch) is refused: that call waits for its own commit.
            var elsewhere = new CommitTicket(Guid.NewGuid(), batch.Id, 1);
            waited = subject.ApplyAsync([ToSubjectSignal(Signals.For("citizen", id, "payment.late"))], elsewhere);
            Assert.NotSame(waited, await Task.WhenAny(waited, Task.Delay(TimeSpan.FromSeconds(2))));

            commits = batch.Close();
            Assert.Equal(1, commits[0].Signals);
            Assert.False(commits[0].Commit!.IsCompleted);
            Assert.Null(commits[1].Commit);
            await hold.ReleaseAsync();
        }

        await commits[0].Commit!.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(SignalStatus.Applied, Assert.Single(await waited.WaitAsync(TimeSpan.FromSeconds(30))).Status);
        await using var dataSource = NpgsqlDataSource.Create(fixture.Database.ConnectionString);
        var stored = await new JournalReader(dataSource).ReadAfterAsync($"citizen/{id}", 0).ToListAsync();
        Assert.Equal(["payment.on_time", "payment.late"], stored.Select(e => e.SignalType));
    }

    [Fact]
    public async Task AHandedOverCommitThatFailsIsNeverAcknowledgedAndTheSubjectReloadsFromTheJournal()
    {
        var serviceId = "handoff-" + Signals.NewId();
        var cluster = await fixture.StartClusterAsync(serviceId, new Dictionary<string, string> { ["ScoreGrains:Journal:CommitTimeout"] = "00:00:01" });
        try
        {
            var id = Signals.NewId();
            var ingest = cluster.Client.GetGrain<IIngestGrain>(0);
            Assert.Equal(SignalStatus.Applied, Assert.Single((await ingest.IngestAsync([Signals.For("citizen", id, "payment.on_time")])).Outcomes).Status);

            // Blocked past the commit timeout, the commit fails: the ingest grain answers Failed, never Applied.
            var lost = Signals.For("citizen", id, "payment.late");
            await using (var hold = await JournalLock.HoldAsync(fixture.Database.ConnectionString))
            {
                var failed = await ingest.IngestAsync([lost]).WaitAsync(TimeSpan.FromSeconds(30));
                Assert.Equal(SignalStatus.Failed, Assert.Single(failed.Outcomes).Status);
                await hold.ReleaseAsync();
            }

            // The subject folded that signal in memory and learns of the failure on its next call: it reloads, so the
            // retry counts once and the score is the journal's.
            var retried = await RetryUntilAppliedAsync(ingest, lost);
            Assert.Equal(SignalStatus.Applied, retried.Status);
            var score = await cluster.Client.GetGrain<ISubjectGrain>($"citizen/{id}").GetScoreAsync();
            Assert.Equal(2, score.SignalCount);
            await using var dataSource = NpgsqlDataSource.Create(fixture.Database.ConnectionString);
            var stored = await new JournalReader(dataSource).ReadAfterAsync($"citizen/{id}", 0).ToListAsync();
            Assert.Equal(["payment.on_time", "payment.late"], stored.Select(e => e.SignalType));
            Assert.Equal(stored[^1].ScoreAfter, score.Score);
        }
        finally
        {
            await StopAsync(cluster);
        }
    }

    private static async Task<SignalOutcome> RetryUntilAppliedAsync(IIngestGrain ingest, SignalInput signal)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var outcome = Assert.Single((await ingest.IngestAsync([signal])).Outcomes);
            if (outcome.Status != SignalStatus.Failed || deadline.Elapsed > TimeSpan.FromSeconds(30))
            {
                return outcome;
            }

            await Task.Delay(100);
        }
    }

    private static SubjectSignal ToSubjectSignal(SignalInput input) =>
        new(input.SignalId!, input.Type!, input.Value, input.OccurredAt!.Value, input.Source ?? "test");

    [Fact]
    public async Task ThePerSignalBaselineStillKeepsScoresAcrossARestart()
    {
        var serviceId = "baseline-" + Signals.NewId();
        var settings = new Dictionary<string, string> { ["ScoreGrains:PersistenceMode"] = "per-signal" };
        var id = Signals.NewId();

        var first = await fixture.StartClusterAsync(serviceId, settings);
        var applied = await first.Client.GetGrain<IIngestGrain>(0).IngestAsync([Signals.For("citizen", id, "loan.repaid")]);
        await first.KillSiloAsync(first.Primary!);
        await first.DisposeAsync();

        var second = await fixture.StartClusterAsync(serviceId, settings);
        try
        {
            var score = await second.Client.GetGrain<ISubjectGrain>($"citizen/{id}").GetScoreAsync();
            Assert.Equal(1, score.SignalCount);
            Assert.Equal(applied.Outcomes[0].Score, score.Score);
        }
        finally
        {
            await StopAsync(second);
        }

        await using var connection = new NpgsqlConnection(fixture.Database.ConnectionString);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM signal_journal WHERE subject_key = $1", connection);
        count.Parameters.AddWithValue($"citizen/{id}");
        Assert.Equal(0L, await count.ExecuteScalarAsync());
    }

    /// <summary>The journal position of the subject's stored snapshot; null when none was written.</summary>
    private async Task<long?> SnapshotPositionAsync(string serviceId, string subjectKey)
    {
        await using var connection = new NpgsqlConnection(fixture.Database.ConnectionString);
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand(
            "SELECT convert_from(payloadbinary, 'UTF8')::jsonb ->> 'JournalPosition' FROM orleansstorage WHERE serviceid = $1 AND grainidextensionstring = $2",
            connection);
        query.Parameters.AddWithValue(serviceId);
        query.Parameters.AddWithValue(subjectKey);
        return await query.ExecuteScalarAsync() is string position ? long.Parse(position, System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    private static async Task StopAsync(TestCluster cluster)
    {
        await cluster.StopAllSilosAsync();
        await cluster.DisposeAsync();
    }
}
