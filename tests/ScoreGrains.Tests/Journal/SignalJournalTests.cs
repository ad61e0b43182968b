using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using Npgsql;
using ScoreGrains.Postgres.Journal;
using ScoreGrains.Tests.Infrastructure;

namespace ScoreGrains.Tests.Journal;

[Collection(ClusterCollection.Name)]
public sealed class SignalJournalTests(ClusterFixture fixture)
{
    [Fact]
    public async Task AppendsWaitingTogetherAreCommittedInOneBatch()
    {
        await using var dataSource = NpgsqlDataSource.Create(fixture.Database.ConnectionString);
        await using var journal = new SignalJournal(dataSource, new JournalOptions { Writers = 1 }, NullLogger<SignalJournal>.Instance);
        var subject = "citizen/" + Signals.NewId();

        // Hold the journal table so the first commit waits; every append made meanwhile must join one later commit.
        await using var hold = await JournalLock.HoldAsync(fixture.Database.ConnectionString);

        const int Appends = 200;
        var appends = Enumerable.Range(1, Appends).Select(i => journal.AppendAsync([Entry(subject, i)], [])).ToList();
        await hold.ReleaseAsync();
        await Task.WhenAll(appends);

        Assert.Equal(Appends, journal.Statistics.Appends);
        Assert.Equal(Appends, journal.Statistics.Rows);
        // The writer's first batch is whatever was queued when it woke (its commit then waits on the lock); every
        // append queued meanwhile joins the second: two commits, one of them at least half.
        Assert.True(journal.Statistics.Commits <= 2, $"{Appends} waiting appends took {journal.Statistics.Commits} commits");
        Assert.True(journal.Statistics.LargestBatch >= Appends / 2, $"largest batch was {journal.Statistics.LargestBatch}");
        var stored = await new JournalReader(dataSource).ReadAfterAsync(subject, 0).ToListAsync();
        Assert.Equal(Enumerable.Range(1, Appends).Select(i => (long)i), stored.Select(e => e.Seq));
    }

    [Fact]
    public async Task ASlowCommitIsLoggedWithWhereItsTimeWent()
    {
        await using var dataSource = NpgsqlDataSource.Create(fixture.Database.ConnectionString);
        var logger = new FakeLogger<SignalJournal>();
        var slow = TimeSpan.FromMilliseconds(300);
        await using var journal = new SignalJournal(dataSource, new JournalOptions { SlowCommit = slow }, logger);
        var subject = "citizen/" + Signals.NewId();

        // The commit's COPY waits on the lock for at least as long as the test holds it.
        await using (var hold = await JournalLock.HoldAsync(fixture.Database.ConnectionString))
        {
            var append = journal.AppendAsync([Entry(subject, 1)], []);
            await Task.Delay(slow * 3);
            await hold.ReleaseAsync();
            await append;
        }

        Assert.True(journal.Statistics.SlowestCommit >= slow, $"slowest commit {journal.Statistics.SlowestCommit}");
        var warning = Assert.Single(logger.Collector.GetSnapshot(), r => r.Level == LogLevel.Warning);
        Assert.Contains("Slow journal commit: 1 appends (1 rows, 0 crossings)", warning.Message, StringComparison.Ordinal);
        Assert.Contains("BEGIN and COPY", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ALoneAppendIsCommittedAtOnceAndAConflictFailsOnlyItsOwnCaller()
    {
        await using var dataSource = NpgsqlDataSource.Create(fixture.Database.ConnectionString);
        await using var journal = new SignalJournal(dataSource, new JournalOptions(), NullLogger<SignalJournal>.Instance);
        var subject = "company/" + Signals.NewId();
        var other = "company/" + Signals.NewId();

        await journal.AppendAsync([Entry(subject, 1)], []);
        var conflicting = journal.AppendAsync([Entry(subject, 1)], []);
        var fine = journal.AppendAsync([Entry(other, 1)], []);

        await Assert.ThrowsAsync<JournalUnavailableException>(() => conflicting);
        await fine;
        Assert.Single(await new JournalReader(dataSource).ReadAfterAsync(subject, 0).ToListAsync());
        Assert.Single(await new JournalReader(dataSource).ReadAfterAsync(other, 0).ToListAsync());
    }

    [Fact]
    public async Task ACommitHeldUpPastTheCommitTimeoutFailsAndOnlyACommittedAppendIsReported()
    {
        await using var dataSource = NpgsqlDataSource.Create(fixture.Database.ConnectionString);
        var options = new JournalOptions { CommitTimeout = TimeSpan.FromSeconds(1) };
        await using var journal = new SignalJournal(dataSource, options, NullLogger<SignalJournal>.Instance);
        var subject = "citizen/" + Signals.NewId();
        var reported = new TaskCompletionSource<Task>(TaskCreationOptions.RunContinuationsAsynchronously);

        var committed = journal.AppendAsync([Entry(subject, 1)], [], committed: append => reported.TrySetResult(append));
        await committed;
        Assert.Same(committed, await reported.Task.WaitAsync(TimeSpan.FromSeconds(10)));

        // Behind a table lock the COPY cannot start; the commit fails within its timeout (well before Npgsql's own
        // 30 s default), and is not reported as committed.
        var stuckReported = false;
        await using (var hold = await JournalLock.HoldAsync(fixture.Database.ConnectionString))
        {
            var stuck = journal.AppendAsync([Entry(subject, 2)], [], committed: _ => stuckReported = true);
            await Assert.ThrowsAsync<JournalUnavailableException>(() => stuck.WaitAsync(TimeSpan.FromSeconds(20)));
            await hold.ReleaseAsync();
        }

        Assert.False(stuckReported);
        await journal.AppendAsync([Entry(subject, 2)], []);
        Assert.Equal([1L, 2], (await new JournalReader(dataSource).ReadAfterAsync(subject, 0).ToListAsync()).Select(e => e.Seq));
    }

    [Fact]
    public async Task AnAppendWhosePredecessorFailedFailsTooAndLeavesNoGap()
    {
        await using var dataSource = NpgsqlDataSource.Create(fixture.Database.ConnectionString);
        await using var journal = new SignalJournal(dataSource, new JournalOptions(), NullLogger<SignalJournal>.Instance);
        var subject = "official/" + Signals.NewId();
        await journal.AppendAsync([Entry(subject, 1)], []);

        // Both commit attempts queue behind the lock: seq 2 conflicts, seq 3 (fine on its own) comes after it.
        await using var hold = await JournalLock.HoldAsync(fixture.Database.ConnectionString);

        var first = journal.AppendAsync([Entry(subject, 2), Entry(subject, 2)], []);
        var second = journal.AppendAsync([Entry(subject, 3)], [], after: first);
        var third = journal.AppendAsync([Entry(subject, 4)], [], after: second);
        await hold.ReleaseAsync();

        await Assert.ThrowsAsync<JournalUnavailableException>(() => first);
        await Assert.ThrowsAsync<JournalUnavailableException>(() => second);
        await Assert.ThrowsAsync<JournalUnavailableException>(() => third);
        Assert.Equal([1L], (await new JournalReader(dataSource).ReadAfterAsync(subject, 0).ToListAsync()).Select(e => e.Seq));

        // The subject starts again from what is stored (a new activation): its next append is unaffected.
        await journal.AppendAsync([Entry(subject, 2)], []);
        Assert.Equal([1L, 2], (await new JournalReader(dataSource).ReadAfterAsync(subject, 0).ToListAsync()).Select(e => e.Seq));
    }

    [Fact]
    public async Task CrossingsCommitWithTheirEntriesAndAFailedCrossingInsertAcknowledgesNothing()
    {
        await using var dataSource = NpgsqlDataSource.Create(fixture.Database.ConnectionString);
        await using var journal = new SignalJournal(dataSource, new JournalOptions { Writers = 1 }, NullLogger<SignalJournal>.Instance);
        var broken = "citizen/" + Signals.NewId();
        var fine = "citizen/" + Signals.NewId();

        // The crossing's reasons are not JSON: the insert sent with the COMMIT fails, so the entries must not commit.
        var failed = journal.AppendAsync([Entry(broken, 1)], [Crossing(broken, 1, reasonsJson: "not json")]);
        await Assert.ThrowsAsync<JournalUnavailableException>(() => failed);
        Assert.Empty(await new JournalReader(dataSource).ReadAfterAsync(broken, 0).ToListAsync());

        // The writer carries on with a fresh connection; the sequences it returns are the stored ones, in order.
        var sequences = await journal.AppendAsync([Entry(fine, 1), Entry(fine, 2)], [Crossing(fine, 1), Crossing(fine, 2)]);
        Assert.Equal(2, (await new JournalReader(dataSource).ReadAfterAsync(fine, 0).ToListAsync()).Count);
        await using var read = dataSource.CreateCommand("SELECT sequence FROM crossings WHERE subject_key = $1 ORDER BY journal_seq");
        read.Parameters.Add(new NpgsqlParameter { Value = fine });
        var stored = new List<long>();
        await using (var reader = await read.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                stored.Add(reader.GetInt64(0));
            }
        }

        Assert.Equal(stored, sequences);
        Assert.True(stored[0] < stored[1], $"sequences {stored[0]}, {stored[1]}");
        await using var count = dataSource.CreateCommand("SELECT count(*) FROM crossings WHERE subject_key = $1");
        count.Parameters.Add(new NpgsqlParameter { Value = broken });
        Assert.Equal(0L, await count.ExecuteScalarAsync());
    }

    [Fact]
    public async Task LookupsWaitingTogetherShareOneQueryAndEachGetsItsOwnAnswer()
    {
        await using var dataSource = NpgsqlDataSource.Create(fixture.Database.ConnectionString);
        await using var journal = new SignalJournal(dataSource, new JournalOptions(), NullLogger<SignalJournal>.Instance);
        await using var lookup = new RecordedSignalLookup(dataSource, new JournalOptions { Writers = 1 });
        var subjects = Enumerable.Range(0, 50).Select(_ => "citizen/" + Signals.NewId()).ToList();
        foreach (var subject in subjects)
        {
            await journal.AppendAsync([Entry(subject, 1), Entry(subject, 2)], []);
        }

        // Hold the journal against reads too, so every lookup queues behind the first query.
        await using var hold = await JournalLock.HoldAsync(fixture.Database.ConnectionString, "ACCESS EXCLUSIVE");


        // Every subject holds s1 and s2: each asks for s1 (held), s3 (not) and its own key (an id nobody used).
        var asked = subjects.Select(subject => lookup.FindRecordedAsync(subject, ["s1", "s3", subject])).ToList();
        await hold.ReleaseAsync();
        var answers = await Task.WhenAll(asked);

        Assert.All(answers, answer => Assert.Equal(["s1"], answer));
        Assert.True(lookup.Queries <= 2, $"{subjects.Count} waiting lookups took {lookup.Queries} queries");
    }

    [Fact]
    public async Task ALookupWhoseConnectionWasKilledFailsAndTheNextOneAsksOnAFreshConnection()
    {
        var application = "lookup-" + Signals.NewId();
        await using var lookupSource = NpgsqlDataSource.Create(
            new NpgsqlConnectionStringBuilder(fixture.Database.ConnectionString) { ApplicationName = application }.ConnectionString);
        await using var journalSource = NpgsqlDataSource.Create(fixture.Database.ConnectionString);
        await using var journal = new SignalJournal(journalSource, new JournalOptions { Writers = 1 }, NullLogger<SignalJournal>.Instance);
        await using var lookup = new RecordedSignalLookup(lookupSource, new JournalOptions { Writers = 1 });
        var subject = "citizen/" + Signals.NewId();
        await journal.AppendAsync([Entry(subject, 1)], []);
        Assert.Equal(["s1"], await lookup.FindRecordedAsync(subject, ["s1", "s2"]));

        // The lookup keeps its connection between round trips: end that backend under it.
        await using (var kill = journalSource.CreateCommand("SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_stat_activity WHERE application_name = $1"))
        {
            kill.Parameters.Add(new NpgsqlParameter { Value = application });
            Assert.Equal(1L, await kill.ExecuteScalarAsync());
        }

        await Assert.ThrowsAsync<JournalUnavailableException>(() => lookup.FindRecordedAsync(subject, ["s1"]));
        Assert.Equal(["s1"], await lookup.FindRecordedAsync(subject, ["s1", "s3"]));
    }

    [Fact]
    public async Task EveryValueReadsBackExactlyAsItWasCopied()
    {
        await using var dataSource = NpgsqlDataSource.Create(fixture.Database.ConnectionString);
        await using var journal = new SignalJournal(dataSource, new JournalOptions { Writers = 1 }, NullLogger<SignalJournal>.Instance);
        var subject = "official/" + Signals.NewId() + "-Zoë-東京";
        var beforeEpoch = new DateTimeOffset(1999, 12, 31, 23, 59, 59, TimeSpan.Zero).AddTicks(9_999_990);
        var now = new DateTimeOffset(2026, 11, 29, 14, 30, 0, TimeSpan.Zero).AddTicks(1_234_560);
        JournalEntry[] written =
        [
            new(subject, 1, "ünïcode-😀", "court.judgment", null, beforeEpoch, "", -0.0, double.Epsilon, "poor", "good", "v1", now),
            new(subject, 2, string.Concat(Enumerable.Range(0, 40).Select(i => $"{i}-ß")), "tax.arrear", double.MaxValue, DateTimeOffset.MinValue, "src\t\n", double.MinValue, 1e-310, "fair", "fair", "v1", now),
            new(subject, 3, "s3", "bill.paid", -123.456, new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero), "tests", 600, 601.25, "fair", "good", "v2", now),
        ];

        // Enough rows in one commit that the COPY buffer has to grow past its first 64 KB.
        var filler = Enumerable.Range(4, 2_000).Select(i => Entry(subject, i) with { OccurredAt = now, RecordedAt = now }).ToList();
        await journal.AppendAsync([.. written, .. filler], []);

        var stored = await new JournalReader(dataSource).ReadAfterAsync(subject, 0).ToListAsync();
        Assert.Equal([.. written, .. filler], stored);
        Assert.True(double.IsNegative(stored[0].ScoreBefore), "-0.0 kept its sign");
        Assert.Equal(1e-310, stored[1].ScoreAfter);
    }

    [Fact]
    public async Task EveryJournalPartitionIsAnalysedOnlyWhenItHasDoubled()
    {
        // Each hash partition counts its own inserts: at the stock 10% every partition was analysed twice a minute
        // under load (V012__journal_autovacuum.sql). A partition without the setting falls back to that.
        await using var connection = new NpgsqlConnection(fixture.Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT count(*), count(*) FILTER (WHERE 'autovacuum_analyze_scale_factor=1.0' = ANY (c.reloptions))
            FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = 'signal_journal'::regclass
            """,
            connection);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(32, reader.GetInt64(0));
        Assert.Equal(32, reader.GetInt64(1));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(15, 1)]
    [InlineData(-1, 0)]
    [InlineData(-10, -1)]
    [InlineData(-19, -1)]
    public void TimestampsAreMicrosecondsSincePostgresEpochTruncatedTowardIt(long ticksAfterEpoch, long microseconds)
    {
        var epoch = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal(microseconds, JournalCopyBuffer.ToPostgresMicroseconds(epoch.AddTicks(ticksAfterEpoch)));
    }

    [Fact]
    public async Task ReplayReadsPageAfterPageInOrderAndOnlyItsSubject()
    {
        await using var dataSource = NpgsqlDataSource.Create(fixture.Database.ConnectionString);
        await using var journal = new SignalJournal(dataSource, new JournalOptions(), NullLogger<SignalJournal>.Instance);
        var subject = "citizen/" + Signals.NewId();
        var other = "citizen/" + Signals.NewId();
        await journal.AppendAsync([.. Enumerable.Range(1, 7).Select(i => Entry(subject, i))], []);
        await journal.AppendAsync([Entry(other, 1), Entry(other, 2)], []);
        var reader = new JournalReader(dataSource);

        // Pages of 3: 3-5, 6-7 (a short page ends it) and 2-4, 5-7, then an empty page (a full page asks again).
        Assert.Equal([3L, 4, 5, 6, 7], (await reader.ReadAfterAsync(subject, 2, pageRows: 3).ToListAsync()).Select(e => e.Seq));
        Assert.Equal([2L, 3, 4, 5, 6, 7], (await reader.ReadAfterAsync(subject, 1, pageRows: 3).ToListAsync()).Select(e => e.Seq));
        Assert.All(await reader.ReadAfterAsync(subject, 0, pageRows: 2).ToListAsync(), e => Assert.Equal(subject, e.SubjectKey));
        Assert.Empty(await reader.ReadAfterAsync(subject, 7, pageRows: 3).ToListAsync());
    }

    [Fact]
    public async Task ReplayOfASubjectWithHalfItsPartitionWalksThePrimaryKey()
    {
        // A database of its own. One subject has half the rows of its partition, interleaved with another subject's
        // as traffic writes them, the case where the planner, which costs "seq > $2" at a third of the subject's rows,
        // chose a sequential scan of the whole partition for the replay query without the page's LIMIT.
        await using var database = await TestDatabase.CreateAsync();
        const string Hot = "citizen/hot";
        const int Rows = 150_000;
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        var cold = await ScalarAsync<string>(
            connection,
            $"""
            INSERT INTO signal_journal SELECT k, 1, 's', 'bill.paid', NULL, now(), 'tests', 600, 601, 'fair', 'fair', 'citizen-test', now()
            FROM (SELECT '{Hot}' UNION ALL SELECT 'citizen/c' || i FROM generate_series(1, 1000) i) keys(k);
            SELECT subject_key FROM signal_journal
            WHERE tableoid = (SELECT tableoid FROM signal_journal WHERE subject_key = '{Hot}') AND subject_key <> '{Hot}' LIMIT 1;
            """);
        await ScalarAsync<object>(
            connection,
            $"""
            TRUNCATE signal_journal;
            INSERT INTO signal_journal
            SELECT k, g, 's' || g, 'bill.paid', NULL, now(), 'tests', 600, 601, 'fair', 'fair', 'citizen-test', now()
            FROM generate_series(1, {Rows}) g CROSS JOIN (VALUES ('{Hot}'), ('{cold}')) keys(k) ORDER BY g;
            ANALYZE signal_journal;
            """);

        await using var explain = new NpgsqlCommand("EXPLAIN " + JournalReader.ReplayPageSql, connection);
        explain.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Hot });
        explain.Parameters.Add(new NpgsqlParameter<long> { TypedValue = Rows - JournalReader.ReplayPageRows });
        explain.Parameters.Add(new NpgsqlParameter<int> { TypedValue = JournalReader.ReplayPageRows });
        var plan = new List<string>();
        await using (var lines = await explain.ExecuteReaderAsync())
        {
            while (await lines.ReadAsync())
            {
                plan.Add(lines.GetString(0));
            }
        }

        var text = string.Join('\n', plan);
        Assert.Contains("_pkey", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Seq Scan", text, StringComparison.Ordinal);
    }

    private static async Task<T?> ScalarAsync<T>(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 300 };
        return (T?)await command.ExecuteScalarAsync();
    }

    private static CrossingRecord Crossing(string subject, long seq, string reasonsJson = "[]") => new(
        subject, "citizen", seq, $"s{seq}", "bill.paid", 600, 601, "fair", "good", "citizen-test", reasonsJson, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow);

    private static JournalEntry Entry(string subject, long seq) => new(
        subject, seq, $"s{seq}", "bill.paid", null, DateTimeOffset.UtcNow, "tests", 600, 601, "fair", "fair", "citizen-test", DateTimeOffset.UtcNow);
}
