using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ScoreGrains.Contracts;
using ScoreGrains.Tests.Infrastructure;

namespace ScoreGrains.Tests.Rights;

/// <summary>A subject's rights over HTTP against the real silo process: the score at a past time and the export.</summary>
[Collection(ClusterCollection.Name)]
public sealed class SubjectRightsApiTests(ClusterFixture fixture) : SiloHttpTest(fixture)
{
    [Fact]
    public async Task AsOfAnswersTheScoreTheSubjectHadThenBitForBit()
    {
        var id = Signals.NewId();
        var beforeFirst = DateTimeOffset.UtcNow;
        await PostAsync(Signals.For("citizen", id, "court.judgment_defaulted", occurredAt: Signals.Now.AddDays(-3)));
        var afterFirst = await ReadAsync($"/v1/subjects/citizen/{id}");
        var between = DateTimeOffset.UtcNow;
        await PostAsync(Signals.For("citizen", id, "volunteer.hours", 20, Signals.Now.AddDays(-1)));
        await PostAsync(Signals.For("citizen", id, "bill.paid", occurredAt: Signals.Now.AddHours(-1)));
        var now = await ReadAsync($"/v1/subjects/citizen/{id}");

        var then = await ReadAsync($"/v1/subjects/citizen/{id}?asOf={Uri.EscapeDataString(between.ToString("O"))}");
        var latest = await ReadAsync($"/v1/subjects/citizen/{id}?asOf={Uri.EscapeDataString(DateTimeOffset.UtcNow.ToString("O"))}");
        var start = await ReadAsync($"/v1/subjects/citizen/{id}?asOf={Uri.EscapeDataString(beforeFirst.AddSeconds(-1).ToString("O"))}");

        Assert.Equal((1L, afterFirst.Band, afterFirst.ModelVersion), (then.SignalCount, then.Band, then.ModelVersion));
        Assert.Equal(BitConverter.DoubleToInt64Bits(afterFirst.Score), BitConverter.DoubleToInt64Bits(then.Score));
        Assert.Equal(afterFirst.Reasons, then.Reasons, ReasonEquality.Instance);
        Assert.Equal(3, latest.SignalCount);
        Assert.Equal(BitConverter.DoubleToInt64Bits(now.Score), BitConverter.DoubleToInt64Bits(latest.Score));
        Assert.Equal((0L, 600.0), (start.SignalCount, start.Score));
    }

    [Theory]
    [InlineData("yesterday")]
    [InlineData("2026-12-01T09:30:00")]
    [InlineData("2026-13-01T09:30:00Z")]
    [InlineData("2999-01-01T00:00:00Z")]
    public async Task ABadOrFutureAsOfIsA400NamingIt(string asOf)
    {
        var id = Signals.NewId();
        await PostAsync(Signals.For("citizen", id, "bill.paid"));

        using var response = await Http.GetAsync($"/v1/subjects/citizen/{id}?asOf={Uri.EscapeDataString(asOf)}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("asOf", out _), problem.ToString());
    }

    [Fact]
    public async Task AQuietSubjectsReadLeavesOutItsExpiredJudgmentWithoutWritingAnything()
    {
        var id = Signals.NewId();
        // Citizens' credit-history records expire after 1,825 days; this one expired yesterday, and nothing came since.
        await PostAsync(Signals.For("citizen", id, "court.judgment_defaulted", occurredAt: Signals.Now.AddDays(-1826)));

        var read = await ReadAsync($"/v1/subjects/citizen/{id}");
        var history = await Http.GetFromJsonAsync<JsonElement>($"/v1/subjects/citizen/{id}/history");
        var entry = Assert.Single(history.GetProperty("entries").EnumerateArray());

        Assert.Equal("low", entry.GetProperty("bandAfter").GetString()); // as it was folded: the judgment counted
        Assert.True(entry.GetProperty("scoreAfter").GetDouble() < 550);
        Assert.Equal((600.0, "fair", 1L), (read.Score, read.Band, read.SignalCount)); // as of now: repaired
        Assert.DoesNotContain(read.Reasons, r => r.Code == "R-court.judgment_defaulted");
        Assert.Equal(read.Score, (await ReadAsync($"/v1/subjects/citizen/{id}")).Score); // the same on every read
    }

    [Fact]
    public async Task AsOfOfASubjectNeverSeenIsA404()
    {
        using var response = await Http.GetAsync($"/v1/subjects/company/{Signals.NewId()}?asOf={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O"))}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task TheExportHoldsTheScoreEveryJournalEntryWithItsEffectAndEveryCrossing()
    {
        var id = Signals.NewId();
        var signals = new[]
        {
            Signals.For("citizen", id, "bill.paid", occurredAt: Signals.Now.AddDays(-9)),
            Signals.For("citizen", id, "court.judgment_defaulted", occurredAt: Signals.Now.AddDays(-8)),
            Signals.For("citizen", id, "loan.defaulted", occurredAt: Signals.Now.AddDays(-7)),
            Signals.For("citizen", id, "volunteer.hours", 5, Signals.Now.AddDays(-6)),
        };
        foreach (var signal in signals)
        {
            await PostAsync(signal);
        }

        var score = await ReadAsync($"/v1/subjects/citizen/{id}");
        using var response = await Http.GetAsync($"/v1/subjects/citizen/{id}/export");
        var export = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"citizen/{id}", export.GetProperty("subject").GetString());
        Assert.Equal(score.Score, export.GetProperty("score").GetProperty("score").GetDouble());
        var journal = export.GetProperty("journal").EnumerateArray().ToList();
        Assert.Equal(signals.Select(s => s.SignalId), journal.Select(e => e.GetProperty("signalId").GetString()));
        Assert.Equal([1L, 2, 3, 4], journal.Select(e => e.GetProperty("seq").GetInt64()));
        Assert.Equal(score.Score, journal[^1].GetProperty("scoreAfter").GetDouble());
        for (var i = 1; i < journal.Count; i++)
        {
            Assert.Equal(journal[i - 1].GetProperty("scoreAfter").GetDouble(), journal[i].GetProperty("scoreBefore").GetDouble());
        }

        var crossings = export.GetProperty("crossings").EnumerateArray().ToList();
        var crossed = journal.Where(e => e.GetProperty("bandBefore").GetString() != e.GetProperty("bandAfter").GetString()).ToList();
        Assert.NotEmpty(crossed);
        Assert.Equal(
            crossed.Select(e => e.GetProperty("signalId").GetString()),
            crossings.Select(c => c.GetProperty("crossing").GetProperty("signalId").GetString()));
    }

    [Fact]
    public async Task TheExportOfASubjectNeverSeenIsA404()
    {
        using var response = await Http.GetAsync($"/v1/subjects/official/{Signals.NewId()}/export");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private async Task PostAsync(SignalInput signal)
    {
        using var response = await Http.PostAsJsonAsync("/v1/signals", new[] { signal }, ApiJson.Options);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, body.GetProperty("applied").GetInt32());
    }

    private async Task<SubjectScore> ReadAsync(string path)
    {
        using var response = await Http.GetAsync(path);
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<SubjectScore>(ApiJson.Options))!;
    }

    private sealed class ReasonEquality : IEqualityComparer<ScoreReason>
    {
        public static readonly ReasonEquality Instance = new();

        public bool Equals(ScoreReason? x, ScoreReason? y) =>
            x is not null && y is not null && (x.Code, x.Description, BitConverter.DoubleToInt64Bits(x.Impact), x.SignalId) == (y.Code, y.Description, BitConverter.DoubleToInt64Bits(y.Impact), y.SignalId);

        public int GetHashCode(ScoreReason obj) => obj.Code.GetHashCode(StringComparison.Ordinal);
    }
}
