using System.Net.Http.Json;
using System.Text.Json;
using ScoreGrains.Contracts;
using ScoreGrains.Tests.Infrastructure;

namespace ScoreGrains.Tests.Rights;

/// <summary>Expiry while quiet, against the real silo process: the reminder journals the expiry and its crossing.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ExpiryTests(ClusterFixture fixture) : SiloHttpTest(fixture)
{
    [Fact]
    public async Task AnExpiryThatMovesTheBandIsJournaledWithItsCrossingWhenItHappens()
    {
        var id = Signals.NewId();
        // Citizens' credit-history records expire after 1,825 days: this judgment's retention ends two seconds from now,
        // and nothing else ever arrives for the subject.
        var judgment = Signals.For("citizen", id, "court.judgment_defaulted", occurredAt: DateTimeOffset.UtcNow.AddSeconds(2).AddDays(-1825));
        using (var post = await Http.PostAsJsonAsync("/v1/signals", new[] { judgment }, ApiJson.Options))
        {
            Assert.Equal(1, (await post.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("applied").GetInt32());
        }

        var crossing = await WaitForExpiryCrossingAsync(id);

        Assert.Equal(("low", "fair"), (crossing.GetProperty("oldBand").GetString(), crossing.GetProperty("newBand").GetString()));
        var reason = crossing.GetProperty("reasons")[0];
        Assert.Equal(("R-$expiry", judgment.SignalId), (reason.GetProperty("code").GetString(), reason.GetProperty("signalId").GetString()));
        var history = await Http.GetFromJsonAsync<JsonElement>($"/v1/subjects/citizen/{id}/history");
        var entries = history.GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal(2, entries.Count);
        var expiry = entries[0];
        Assert.Equal("$expiry", expiry.GetProperty("signalType").GetString());
        var expiredAt = expiry.GetProperty("occurredAt").GetDateTimeOffset();
        Assert.Equal(judgment.OccurredAt!.Value.AddDays(1825).UtcTicks / 10, expiredAt.UtcTicks / 10); // at the expiry, to the journal's microsecond

        // The read is the journal's state, and a replay of the journal from its start gives it bit for bit.
        var read = (await Http.GetFromJsonAsync<SubjectScore>($"/v1/subjects/citizen/{id}", ApiJson.Options))!;
        var replayed = (await Http.GetFromJsonAsync<SubjectScore>($"/v1/subjects/citizen/{id}?asOf={Uri.EscapeDataString(DateTimeOffset.UtcNow.ToString("O"))}", ApiJson.Options))!;
        Assert.Equal(BitConverter.DoubleToInt64Bits(expiry.GetProperty("scoreAfter").GetDouble()), BitConverter.DoubleToInt64Bits(read.Score));
        DisputeTests.AssertSameScore(read, replayed);
        Assert.Equal(("fair", 1L), (read.Band, read.SignalCount));
    }

    [Fact]
    public async Task WithTheClockPastItsExpiryAQuietSubjectReadsRepairedAndTheReminderTickJournalsIt()
    {
        var clock = TestClock.Create(out var clockName);
        var cluster = await Fixture.StartClusterAsync("expiry-" + Guid.NewGuid().ToString("N")[..8], new Dictionary<string, string> { [TestSiloConfigurator.ClockKey] = clockName });
        try
        {
            var id = Signals.NewId();
            var subject = cluster.GrainFactory.GetGrain<ISubjectGrain>($"citizen/{id}");
            var occurredAt = JournalPrecision(DateTimeOffset.UtcNow.AddDays(-10));
            var applied = await subject.ApplyAsync([new SubjectSignal("j-" + id, "court.judgment_defaulted", null, occurredAt, "tests")]);
            Assert.Equal(SignalStatus.Applied, Assert.Single(applied).Status);
            var contested = await subject.GetScoreAsync();
            await using var connection = new Npgsql.NpgsqlConnection(Fixture.Database.ConnectionString);
            await connection.OpenAsync();
            await using (var reminder = new Npgsql.NpgsqlCommand("SELECT count(*) FROM orleansreminderstable WHERE grainid LIKE '%' || $1", connection))
            {
                reminder.Parameters.Add(new Npgsql.NpgsqlParameter<string> { TypedValue = $"citizen/{id}" });
                Assert.Equal(1L, (long)(await reminder.ExecuteScalarAsync())!); // set, though its expiry is five years away
            }

            clock.Offset = TimeSpan.FromDays(1825) - TimeSpan.FromDays(10) - TimeSpan.FromMinutes(1); // a minute before it expires
            var stillCounting = await subject.GetScoreAsync();
            clock.Offset = TimeSpan.FromDays(1825); // ten days after
            var repaired = await subject.GetScoreAsync();

            Assert.Equal("low", contested.Band);
            DisputeTests.AssertSameScore(contested, stillCounting);
            Assert.Equal((600.0, "fair", 1L), (repaired.Score, repaired.Band, repaired.SignalCount));

            // The reminder's tick, as Orleans delivers it: the expiry is journaled at its own time, with its crossing.
            await subject.AsReference<IRemindable>().ReceiveReminder("expiry", default);
            var journaled = await subject.GetScoreAsync();
            DisputeTests.AssertSameScore(repaired, journaled);
            await using var rows = new Npgsql.NpgsqlCommand(
                "SELECT j.occurred_at, j.band_before, j.band_after, (SELECT count(*) FROM crossings c WHERE c.subject_key = j.subject_key AND c.signal_type = '$expiry') "
                + "FROM signal_journal j WHERE j.subject_key = $1 AND j.signal_type = '$expiry'", connection);
            rows.Parameters.Add(new Npgsql.NpgsqlParameter<string> { TypedValue = $"citizen/{id}" });
            await using var reader = await rows.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync(), "no $expiry entry in the journal");
            Assert.Equal(occurredAt.AddDays(1825).UtcDateTime, reader.GetDateTime(0));
            Assert.Equal(("low", "fair", 1L), (reader.GetString(1), reader.GetString(2), reader.GetInt64(3)));
            Assert.False(await reader.ReadAsync()); // one entry
        }
        finally
        {
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }
    }

    private static DateTimeOffset JournalPrecision(DateTimeOffset time) => new(time.UtcTicks - (time.UtcTicks % 10), TimeSpan.Zero);

    /// <summary>The subject's <c>$expiry</c> crossing, once the reminder has fired (a bounded wait for the event, not a sleep for the expiry).</summary>
    private async Task<JsonElement> WaitForExpiryCrossingAsync(string id)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            var feed = await Http.GetFromJsonAsync<JsonElement>($"/v1/crossings?subject=citizen/{id}&limit=100");
            var crossings = feed.GetProperty("crossings").EnumerateArray().Where(c => c.GetProperty("signalType").GetString() == "$expiry").ToList();
            if (crossings.Count > 0)
            {
                return Assert.Single(crossings);
            }

            Assert.True(DateTime.UtcNow < deadline, $"no expiry crossing for citizen/{id} within 90 s");
            await Task.Delay(250);
        }
    }
}
