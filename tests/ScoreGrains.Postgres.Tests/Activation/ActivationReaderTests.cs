using Npgsql;
using ScoreGrains.Postgres.Activation;
using ScoreGrains.Postgres.Journal;

namespace ScoreGrains.Postgres.Tests.Activation;

/// <summary>The batched activation read against grain storage's rows and the journal.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ActivationReaderTests(PostgresServerFixture postgres)
{
    private const string ServiceId = "scoregrains";

    [Fact]
    public async Task SubjectsActivatingTogetherGetTheirSnapshotOrTheirWholeJournal()
    {
        var database = await postgres.CreateMigratedDatabaseAsync();
        await Sql.ExecuteAsync(database, $"""
            {Journal("citizen/replayed", 3)}
            {Journal("citizen/snapshotted", 5)}
            {Snapshot("citizen/snapshotted", ServiceId, version: 4)}
            {Snapshot("citizen/replayed", "another-service", version: 9)}
            """);
        await using var dataSource = NpgsqlDataSource.Create(database);
        await using var reader = new ActivationReader(dataSource, new JournalOptions { Writers = 1 }, ServiceId, "subject");

        var reads = await Task.WhenAll(reader.ReadAsync("citizen/replayed"), reader.ReadAsync("citizen/snapshotted"), reader.ReadAsync("citizen/new"))
            .WaitAsync(TestContext.Timeout);
        var (replayed, snapshotted, unknown) = (reads[0], reads[1], reads[2]);

        // Another service's row is another grain's: this subject has none, so its whole journal came with the read.
        Assert.False(replayed.RowExists);
        Assert.Equal([1L, 2, 3], replayed.Tail!.Entries.Select(e => e.Seq));
        Assert.True(replayed.Tail.Complete);
        Assert.Equal("signal-citizen/replayed-2", replayed.Tail.Entries[1].SignalId);

        Assert.True(snapshotted.RowExists);
        Assert.Equal(4, snapshotted.Version);
        Assert.Equal([(byte)1, 2], snapshotted.Payload);
        Assert.Null(snapshotted.Tail);

        Assert.False(unknown.RowExists);
        Assert.Empty(unknown.Tail!.Entries);
        Assert.True(unknown.Tail.Complete);

        var tail = await reader.ReadTailAsync("citizen/snapshotted", 3).WaitAsync(TestContext.Timeout);
        Assert.Equal([4L, 5], tail.Entries.Select(e => e.Seq));
        Assert.True(tail.Complete);
        Assert.InRange(reader.RoundTrips, 2, 4);
    }

    [Fact]
    public async Task AFailedReadFailsItsCallersWithTheJournalUnavailable()
    {
        var database = await postgres.CreateDatabaseAsync(); // no schema: every query fails
        await using var dataSource = NpgsqlDataSource.Create(database);
        await using var reader = new ActivationReader(dataSource, new JournalOptions { Writers = 1 }, ServiceId, "subject");

        await Assert.ThrowsAsync<JournalUnavailableException>(() => reader.ReadAsync("citizen/x").WaitAsync(TestContext.Timeout));
        await Assert.ThrowsAsync<JournalUnavailableException>(() => reader.ReadTailAsync("citizen/x", 0).WaitAsync(TestContext.Timeout));
    }

    private static string Journal(string subjectKey, int rows) => $"""
        INSERT INTO signal_journal (subject_key, seq, signal_id, signal_type, value, occurred_at, source, score_before,
                                    score_after, band_before, band_after, model_version, recorded_at)
        SELECT '{subjectKey}', s, 'signal-{subjectKey}-' || s, 'payment.on_time', NULL, now(), 'test', 600, 601, 'fair', 'fair', 'm1', now()
        FROM generate_series(1, {rows}) AS s;
        """;

    private static string Snapshot(string subjectKey, string serviceId, int version) => $"""
        INSERT INTO orleansstorage (grainidhash, grainidn0, grainidn1, graintypehash, graintypestring,
                                    grainidextensionstring, serviceid, payloadbinary, version)
        VALUES (1, 0, 0, 2, 'subject', '{subjectKey}', '{serviceId}', '\x0102', {version});
        """;
}
