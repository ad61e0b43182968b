using System.Net.Http.Json;
using System.Text.Json;
using ScoreGrains.Contracts;
using ScoreGrains.Tests.Infrastructure;

namespace ScoreGrains.Tests.Rights;

/// <summary>Expiry while quiet, against the real silo process: the reminder journals the expiry and its crossing.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ExpiryTests(ClusterFixture fixture) : IAsyncLifetime
{
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        var silo = await fixture.GetSiloHostAsync();
        _http = new HttpClient { BaseAddress = silo.HttpAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public Task DisposeAsync()
    {
        _http.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task AnExpiryThatMovesTheBandIsJournaledWithItsCrossingWhenItHappens()
    {
        var id = Signals.NewId();
        // Citizens' credit-history records expire after 1,825 days: this judgment's retention ends two seconds from now,
        // and nothing else ever arrives for the subject.
        var judgment = Signals.For("citizen", id, "court.judgment_defaulted", occurredAt: DateTimeOffset.UtcNow.AddSeconds(2).AddDays(-1825));
        using (var post = await _http.PostAsJsonAsync("/v1/signals", new[] { judgment }, ApiJson.Options))
        {
            Assert.Equal(1, (await post.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("applied").GetInt32());
        }

        var crossing = await WaitForExpiryCrossingAsync(id);

        Assert.Equal(("low", "fair"), (crossing.GetProperty("oldBand").GetString(), crossing.GetProperty("newBand").GetString()));
        var reason = crossing.GetProperty("reasons")[0];
        Assert.Equal(("R-$expiry", judgment.SignalId), (reason.GetProperty("code").GetString(), reason.GetProperty("signalId").GetString()));
        var history = await _http.GetFromJsonAsync<JsonElement>($"/v1/subjects/citizen/{id}/history");
        var entries = history.GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal(2, entries.Count);
        var expiry = entries[0];
        Assert.Equal("$expiry", expiry.GetProperty("signalType").GetString());
        var expiredAt = expiry.GetProperty("occurredAt").GetDateTimeOffset();
        Assert.Equal(judgment.OccurredAt!.Value.AddDays(1825).UtcTicks / 10, expiredAt.UtcTicks / 10); // at the expiry, to the journal's microsecond

        // The read is the journal's state, and a replay of the journal from its start gives it bit for bit.
        var read = (await _http.GetFromJsonAsync<SubjectScore>($"/v1/subjects/citizen/{id}", ApiJson.Options))!;
        var replayed = (await _http.GetFromJsonAsync<SubjectScore>($"/v1/subjects/citizen/{id}?asOf={Uri.EscapeDataString(DateTimeOffset.UtcNow.ToString("O"))}", ApiJson.Options))!;
        Assert.Equal(BitConverter.DoubleToInt64Bits(expiry.GetProperty("scoreAfter").GetDouble()), BitConverter.DoubleToInt64Bits(read.Score));
        DisputeTests.AssertSameScore(read, replayed);
        Assert.Equal(("fair", 1L), (read.Band, read.SignalCount));
    }

    /// <summary>The subject's <c>$expiry</c> crossing, once the reminder has fired (a bounded wait for the event, not a sleep for the expiry).</summary>
    private async Task<JsonElement> WaitForExpiryCrossingAsync(string id)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            var feed = await _http.GetFromJsonAsync<JsonElement>($"/v1/crossings?subject=citizen/{id}&limit=100");
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
