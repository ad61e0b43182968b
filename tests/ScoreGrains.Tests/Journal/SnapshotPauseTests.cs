using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using ScoreGrains.Contracts;
using ScoreGrains.Grains.Hosting;
using ScoreGrains.Grains.Subjects;
using ScoreGrains.Silo.Hosting;
using ScoreGrains.Tests.Infrastructure;

namespace ScoreGrains.Tests.Journal;

/// <summary>A failed snapshot pauses every subject's snapshots on the silo, so a storage outage costs one write per pause.</summary>
[Collection(ClusterCollection.Name)]
public sealed class SnapshotPauseTests
{
    [Fact]
    public void APauseLastsItsLengthFromTheLatestFailure()
    {
        var time = new ManualTime();
        var pause = new SnapshotPause(time, Options.Create(new ScoreGrainsOptions { SnapshotPauseAfterFailure = TimeSpan.FromSeconds(5) }));
        Assert.False(pause.IsPaused);

        pause.Failed();
        time.Advance(TimeSpan.FromSeconds(4));
        Assert.True(pause.IsPaused);

        pause.Failed(); // another failure within the pause: it now lasts from this one
        time.Advance(TimeSpan.FromSeconds(4));
        Assert.True(pause.IsPaused);

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(pause.IsPaused);
    }

    [Fact]
    public async Task WhenSnapshotsFailOneSubjectTriesAndTheOthersNeitherSnapshotNorFailTheirSignals()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using (var connection = new NpgsqlConnection(database.ConnectionString))
        {
            // Grain storage as it is while the database refuses writes: every snapshot fails, and the sequence (which
            // no rollback undoes) counts the attempts.
            await connection.OpenAsync();
            await using var fault = new NpgsqlCommand(
                """
                CREATE SEQUENCE snapshot_attempts;
                CREATE OR REPLACE FUNCTION writetostorage(
                    _grainidhash integer, _grainidn0 bigint, _grainidn1 bigint, _graintypehash integer, _graintypestring varchar,
                    _grainidextensionstring varchar, _serviceid varchar, _grainstateversion integer, _payloadbinary bytea)
                    RETURNS TABLE(newgrainstateversion integer) LANGUAGE plpgsql
                AS $$
                BEGIN
                    PERFORM nextval('snapshot_attempts');
                    RAISE EXCEPTION 'grain storage refuses writes';
                END
                $$;
                """,
                connection);
            await fault.ExecuteNonQueryAsync();
        }

        var httpPort = LoopbackPort.Free();
        var silo = await ScoreGrainsHost.BuildAsync(HostArguments.For(
            database.ConnectionString,
            "snapshot-pause",
            httpPort,
            // A snapshot after every signal, and a pause longer than the test.
            "--ScoreGrains:SnapshotEverySignals=1",
            "--ScoreGrains:SnapshotMinInterval=00:00:00",
            "--ScoreGrains:SnapshotPauseAfterFailure=00:10:00",
            "--Logging:LogLevel:Default=Critical"));
        try
        {
            await silo.StartAsync();
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromSeconds(60) };

            // One subject after another, each answered only after its snapshot was attempted or skipped.
            for (var i = 0; i < 5; i++)
            {
                using var response = await http.PostAsJsonAsync("/v1/signals", new[] { Signals.For("citizen", Signals.NewId(), "bill.paid") }, ApiJson.Options);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                var result = await response.Content.ReadFromJsonAsync<IngestResult>(ApiJson.Options);
                Assert.Equal(SignalStatus.Applied, Assert.Single(result!.Outcomes).Status);
            }

            Assert.Equal(1, await AttemptsAsync(database));

            // Deactivated idle, each of the five subjects has a signal since its last snapshot: still paused, none tried.
            await silo.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
            Assert.Equal(1, await AttemptsAsync(database));
        }
        finally
        {
            await silo.StopAsync();
            await silo.DisposeAsync();
        }
    }

    private static async Task<long> AttemptsAsync(TestDatabase database)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var read = new NpgsqlCommand("SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM snapshot_attempts", connection);
        return (long)(await read.ExecuteScalarAsync())!;
    }

    private sealed class ManualTime : TimeProvider
    {
        private long _ticks = 1_000;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}
