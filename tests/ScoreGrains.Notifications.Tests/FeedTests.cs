using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ScoreGrains.Contracts;
using ScoreGrains.Notifications.Tests.Infrastructure;
using ScoreGrains.Tests.Infrastructure;

namespace ScoreGrains.Notifications.Tests;

/// <summary>The durable crossing feed over HTTP: pages, the SSE stream, and resuming it across a silo restart.</summary>
[Collection(NotificationsCollection.Name)]
public sealed class FeedTests(NotificationsFixture fixture)
{
    private NotificationsHost Host => fixture.Host;

    [Fact]
    public async Task PagesOfTheFeedFollowEachOtherInSequenceOrder()
    {
        var ids = Enumerable.Range(0, 3).Select(_ => Signals.NewId()).ToList();
        foreach (var id in ids)
        {
            await Host.SendAsync(Citizens.Default(id));
        }

        using var http = new HttpClient { BaseAddress = Host.Address };
        var subjects = string.Join(',', ids.Select(id => $"citizen/{id}"));
        var first = await http.GetFromJsonAsync<CrossingPage>($"/v1/crossings?subject={subjects}&limit=2", SseClient.Json);
        var second = await http.GetFromJsonAsync<CrossingPage>($"/v1/crossings?subject={subjects}&limit=2&after={first!.Next}", SseClient.Json);

        Assert.Equal(ids, first.Crossings.Concat(second!.Crossings).Select(c => c.Id));
        Assert.Equal(first.Crossings[^1].Sequence, first.Next);
        Assert.True(first.Crossings[0].Sequence < first.Crossings[1].Sequence);
        Assert.Empty((await http.GetFromJsonAsync<CrossingPage>($"/v1/crossings?subject={subjects}&band=good", SseClient.Json))!.Crossings);
    }

    [Theory]
    [InlineData("kind=martian", "kind")]
    [InlineData("kind=company&band=fair", "band")]
    [InlineData("band=purple", "band")]
    [InlineData("subject=citizen", "subject")]
    [InlineData("subject=martian/1", "subject")]
    [InlineData("after=-1", "after")]
    [InlineData("after=soon", "after")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=1001", "limit")]
    public async Task ABadQueryParameterIsA400ProblemNamingIt(string query, string parameter)
    {
        using var http = new HttpClient { BaseAddress = Host.Address };
        foreach (var path in new[] { "/v1/crossings", "/v1/crossings/stream" })
        {
            using var response = await http.GetAsync($"{path}?{query}");

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(parameter, out _), $"{path}?{query} did not name '{parameter}'");
        }
    }

    [Fact]
    public async Task AStreamOpenedAfterNobodyListenedStartsAtTheEndOfTheFeed()
    {
        // A host of its own, so no other test's stream keeps its tail reading.
        await using var host = await fixture.StartHostAsync(NotificationsFixture.NewServiceId());
        var ids = Enumerable.Range(0, 2).Select(_ => Signals.NewId()).ToList();
        await host.SendAsync(Citizens.Default(ids[0]));

        var path = "/v1/crossings/stream?subject=" + string.Join(',', ids.Select(id => $"citizen/{id}"));
        await using var stream = await SseClient.ConnectAsync(host.Address, path);
        await host.SendAsync(Citizens.Default(ids[1]));

        // The unwatched tail read nothing; joining it must still start after the crossing that came before.
        Assert.Equal(ids[1], (await stream.NextCrossingAsync($"the crossing of {ids[1]}")).Id);
    }

    [Fact]
    public async Task AResumedStreamGetsExactlyTheMissedCrossingsInOrderAfterASiloRestart()
    {
        var serviceId = NotificationsFixture.NewServiceId();
        var ids = Enumerable.Range(0, 7).Select(_ => Signals.NewId()).ToList();
        var path = "/v1/crossings/stream?subject=" + string.Join(',', ids.Select(id => $"citizen/{id}"));
        string lastId;
        await using (var before = await fixture.StartHostAsync(serviceId))
        {
            await using (var stream = await SseClient.ConnectAsync(before.Address, path))
            {
                await before.SendAsync(Citizens.Default(ids[0]));
                await before.SendAsync(Citizens.Default(ids[1]));
                Assert.Equal(ids[0], (await stream.NextCrossingAsync($"the crossing of {ids[0]}")).Id);
                var seen = await stream.NextCrossingAsync($"the crossing of {ids[1]}");
                Assert.Equal(ids[1], seen.Id);
                lastId = seen.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            // Disconnected: these happen while nobody listens, then the silo stops.
            await before.SendAsync(Citizens.Default(ids[2]));
            await before.SendAsync(Citizens.Default(ids[3]));
        }

        await using var after = await fixture.StartHostAsync(serviceId);
        await after.SendAsync(Citizens.Default(ids[4]));
        await after.SendAsync(Citizens.Default(ids[5]));
        await using var resumed = await SseClient.ConnectAsync(after.Address, path, lastEventId: lastId);
        await after.SendAsync(Citizens.Default(ids[6]));

        var missed = new List<Crossing>();
        for (var i = 2; i < 7; i++)
        {
            missed.Add(await resumed.NextCrossingAsync($"crossing {i} of 7 after resuming from id {lastId}"));
        }

        Assert.Equal(ids.Skip(2), missed.Select(c => c.Id));
        Assert.Equal(missed.Select(c => c.Sequence).Order(), missed.Select(c => c.Sequence));
        Assert.True(missed[0].Sequence > long.Parse(lastId, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task ASubjectStreamStartsWithTheScoreAndMovesWithEveryChange()
    {
        var id = Signals.NewId();
        await Host.SendAsync(Citizens.At(id, "bill.paid", 0));
        await using var stream = await SseClient.ConnectAsync(Host.Address, $"/v1/subjects/citizen/{id}/stream");

        var subject = JsonSerializer.Deserialize<SubjectScore>((await stream.NextAsync("subject", "the subject's score")).Data, SseClient.Json)!;
        await Host.SendAsync(Citizens.Default(id, 1));
        var change = JsonSerializer.Deserialize<ScoreChange>((await stream.NextAsync("score", "the score change")).Data, SseClient.Json)!;
        var crossing = JsonSerializer.Deserialize<Crossing>((await stream.NextAsync("crossing", "the crossing")).Data, SseClient.Json)!;

        Assert.Equal(("fair", 1L), (subject.Band, subject.SignalCount));
        Assert.Equal((subject.Score, "low"), (change.OldScore, change.Band));
        Assert.Equal((change.NewScore, "low"), (crossing.NewScore, crossing.NewBand));
    }

    [Fact]
    public async Task ASubjectStreamCarriesADisputeEventWhenOneIsOpened()
    {
        var id = Signals.NewId();
        var defaulted = Citizens.Default(id, 0);
        await Host.SendAsync(defaulted);
        await using var stream = await SseClient.ConnectAsync(Host.Address, $"/v1/subjects/citizen/{id}/stream");
        await stream.NextAsync("subject", "the subject's score");

        await Host.Grains.GetGrain<ISubjectGrain>($"citizen/{id}").OpenDisputeAsync(defaulted.SignalId!, "not my loan", "tests");
        var dispute = JsonSerializer.Deserialize<Dispute>((await stream.NextAsync("dispute", "the dispute")).Data, SseClient.Json)!;

        Assert.Equal((defaulted.SignalId, DisputeStatus.Open, "not my loan"), (dispute.SignalId, dispute.Status, dispute.Reason));
    }
}
