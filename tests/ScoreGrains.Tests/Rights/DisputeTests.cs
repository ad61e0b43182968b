using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using ScoreGrains.Contracts;
using ScoreGrains.Postgres.Rights;
using ScoreGrains.Silo.Hosting;
using ScoreGrains.Tests.Infrastructure;

namespace ScoreGrains.Tests.Rights;

/// <summary>Disputes over HTTP against the real silo process: open, list, resolve, and what a retraction does to the score.</summary>
[Collection(ClusterCollection.Name)]
public sealed class DisputeTests(ClusterFixture fixture) : SiloHttpTest(fixture)
{
    [Fact]
    public async Task ADisputeOpensOnceListsAndMakesTheReadSaySo()
    {
        var id = Signals.NewId();
        var signal = Signals.For("citizen", id, "court.judgment_defaulted", occurredAt: Signals.Now.AddDays(-2));
        await PostAsync(Http, signal);
        var before = DateTimeOffset.UtcNow;

        using var first = await OpenAsync(Http, id, signal.SignalId!, "The judgment was set aside on appeal.");
        using var second = await OpenAsync(Http, id, signal.SignalId!, "Again.");

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var dispute = (await first.Content.ReadFromJsonAsync<Dispute>(ApiJson.Options))!;
        Assert.Equal((DisputeStatus.Open, signal.SignalId, "court.judgment_defaulted", id, false), (dispute.Status, dispute.SignalId, dispute.SignalType, dispute.SubjectId, dispute.Overdue));
        Assert.Equal(TimeSpan.FromDays(30), dispute.DueAt - dispute.OpenedAt);
        Assert.InRange(dispute.OpenedAt, before.AddSeconds(-5), DateTimeOffset.UtcNow.AddSeconds(5));
        Assert.Equal($"/v1/disputes/{dispute.Id}", first.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(dispute.Id, (await second.Content.ReadFromJsonAsync<Dispute>(ApiJson.Options))!.Id);

        Assert.Equal(1, (await ReadAsync(Http, id)).OpenDisputes);
        var listed = await ListAsync(Http, $"/v1/subjects/citizen/{id}/disputes");
        Assert.Equal([dispute.Id], listed.Select(d => d.Id));
        Assert.Contains(dispute.Id, (await ListAsync(Http, "/v1/disputes?status=open&limit=1000")).Select(d => d.Id));
        Assert.Equal("The judgment was set aside on appeal.", (await Http.GetFromJsonAsync<Dispute>($"/v1/disputes/{dispute.Id}", ApiJson.Options))!.Reason);

        using var upheld = await ResolveAsync(Http, dispute.Id, "upheld", "The court confirmed the judgment.");
        Assert.Equal(HttpStatusCode.OK, upheld.StatusCode);
        Assert.Equal(DisputeStatus.Upheld, (await upheld.Content.ReadFromJsonAsync<Dispute>(ApiJson.Options))!.Status);
        using var again = await ResolveAsync(Http, dispute.Id, "upheld", "Retry.");
        using var other = await ResolveAsync(Http, dispute.Id, "retracted", "Changed my mind.");

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, other.StatusCode);
        var read = await ReadAsync(Http, id);
        Assert.Equal((0, 1L), (read.OpenDisputes, read.SignalCount)); // upheld: the signal still counts
        Assert.DoesNotContain(dispute.Id, (await ListAsync(Http, "/v1/disputes?status=open&limit=1000")).Select(d => d.Id));
        Assert.Contains(dispute.Id, (await ListAsync(Http, "/v1/disputes?status=upheld&limit=1000")).Select(d => d.Id));
    }

    [Fact]
    public async Task ARetractedSignalGivesExactlyTheScoreOfATwinThatNeverReceivedIt()
    {
        var id = Signals.NewId();
        var twin = Signals.NewId();
        var signals = new[]
        {
            Signals.For("citizen", id, "bill.paid", occurredAt: Signals.Now.AddDays(-9)),
            Signals.For("citizen", id, "court.judgment_defaulted", occurredAt: Signals.Now.AddDays(-8)),
            Signals.For("citizen", id, "volunteer.hours", 5, Signals.Now.AddDays(-6)),
            Signals.For("citizen", id, "tax.paid", occurredAt: Signals.Now.AddDays(-5)),
        };
        var disputed = signals[1];
        foreach (var signal in signals)
        {
            await PostAsync(Http, signal);
            if (signal != disputed)
            {
                await PostAsync(Http, signal with { Subject = new SubjectInput { Kind = "citizen", Id = twin } }); // the same signal ids
            }
        }

        var contested = await ReadAsync(Http, id);
        using var opened = await OpenAsync(Http, id, disputed.SignalId!, "Not my judgment: a namesake's.");
        var dispute = (await opened.Content.ReadFromJsonAsync<Dispute>(ApiJson.Options))!;
        using var resolution = await ResolveAsync(Http, dispute.Id, "retracted", "Registry confirmed the mix-up.");

        Assert.Equal(HttpStatusCode.OK, resolution.StatusCode);
        var resolved = (await resolution.Content.ReadFromJsonAsync<Dispute>(ApiJson.Options))!;
        Assert.Equal((DisputeStatus.Retracted, "Registry confirmed the mix-up."), (resolved.Status, resolved.Note));
        var after = await ReadAsync(Http, id);
        var expected = await ReadAsync(Http, twin);
        AssertSameScore(expected, after);
        Assert.NotEqual(contested.Band, after.Band);

        // The signal stays in the record, and the retraction is an entry of its own with the effect.
        var history = await Http.GetFromJsonAsync<JsonElement>($"/v1/subjects/citizen/{id}/history");
        var entries = history.GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal(5, entries.Count);
        var retraction = entries[0];
        Assert.Equal(("$retraction", "$retraction:" + disputed.SignalId, "dispute:" + dispute.Id), (
            retraction.GetProperty("signalType").GetString(), retraction.GetProperty("signalId").GetString(), retraction.GetProperty("source").GetString()));
        Assert.Equal((contested.Score, after.Score), (retraction.GetProperty("scoreBefore").GetDouble(), retraction.GetProperty("scoreAfter").GetDouble()));
        Assert.Contains(entries, e => e.GetProperty("signalId").GetString() == disputed.SignalId);

        // One crossing, naming the retraction as its first reason.
        var feed = await Http.GetFromJsonAsync<JsonElement>($"/v1/crossings?subject=citizen/{id}&limit=100");
        var crossing = Assert.Single(feed.GetProperty("crossings").EnumerateArray(), c => c.GetProperty("signalType").GetString() == "$retraction");
        Assert.Equal((contested.Band, after.Band), (crossing.GetProperty("oldBand").GetString(), crossing.GetProperty("newBand").GetString()));
        var reason = crossing.GetProperty("reasons")[0];
        Assert.Equal(("R-$retraction", disputed.SignalId, "court.judgment_defaulted"), (
            reason.GetProperty("code").GetString(), reason.GetProperty("signalId").GetString(), reason.GetProperty("signalType").GetString()));

        // A resend of the retracted signal is a duplicate, not a second chance to count; it cannot be disputed again.
        using var resend = await Http.PostAsJsonAsync("/v1/signals", new[] { disputed }, ApiJson.Options);
        Assert.Equal(1, (await resend.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("duplicates").GetInt32());
        using var reopened = await OpenAsync(Http, id, disputed.SignalId!, "Once more.");
        Assert.Equal(HttpStatusCode.Conflict, reopened.StatusCode);
        AssertSameScore(expected, await ReadAsync(Http, id));
    }

    [Fact]
    public async Task ARetractionSurvivesReplayFromTheSnapshotAndFromTheJournalAlone()
    {
        await using var database = await TestDatabase.CreateAsync();
        var id = Signals.NewId();
        var twin = Signals.NewId();
        var signals = new[]
        {
            Signals.For("company", id, "tax.paid_on_time", occurredAt: Signals.Now.AddDays(-4)),
            Signals.For("company", id, "court.judgment_defaulted", occurredAt: Signals.Now.AddDays(-3)),
            Signals.For("company", id, "inspection.passed", occurredAt: Signals.Now.AddDays(-2)),
        };

        SubjectScore expected;
        SubjectScore retracted;
        await using (var silo = await StartAsync(database))
        {
            foreach (var signal in signals)
            {
                await PostAsync(silo.Http, signal);
                if (signal != signals[1])
                {
                    await PostAsync(silo.Http, signal with { Subject = new SubjectInput { Kind = "company", Id = twin } });
                }
            }

            using var opened = await OpenAsync(silo.Http, id, signals[1].SignalId!, "Judgment overturned.", "company");
            var dispute = (await opened.Content.ReadFromJsonAsync<Dispute>(ApiJson.Options))!;
            using var resolution = await ResolveAsync(silo.Http, dispute.Id, "retracted", "Overturned.");
            Assert.Equal(HttpStatusCode.OK, resolution.StatusCode);
            expected = await ReadAsync(silo.Http, twin, "company");
            retracted = await ReadAsync(silo.Http, id, "company");
            AssertSameScore(expected, retracted);

            // Deactivated idle, the subject writes a snapshot that holds the retraction (stopping would write none).
            await silo.Host.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        }

        // The next activation starts from that snapshot.
        await using (var silo = await StartAsync(database))
        {
            AssertSameScore(expected, await ReadAsync(silo.Http, id, "company"));
        }

        // Without the snapshot the journal alone replays it: the retraction entry comes after the signal it retracts.
        await using (var connection = new NpgsqlConnection(database.ConnectionString))
        {
            await connection.OpenAsync();
            await using var delete = new NpgsqlCommand("DELETE FROM orleansstorage WHERE grainidextensionstring = $1", connection);
            delete.Parameters.Add(new NpgsqlParameter<string> { TypedValue = $"company/{id}" });
            Assert.Equal(1, await delete.ExecuteNonQueryAsync());
        }

        await using (var silo = await StartAsync(database))
        {
            AssertSameScore(expected, await ReadAsync(silo.Http, id, "company"));
        }
    }

    [Fact]
    public async Task BadDisputeRequestsAreRefusedNamingTheField()
    {
        var id = Signals.NewId();
        var signal = Signals.For("citizen", id, "bill.paid");
        await PostAsync(Http, signal);

        using var unknown = await OpenAsync(Http, id, "no-such-signal", "Never happened.");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        var problem = await unknown.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("signalId", problem.GetProperty("field").GetString());
        Assert.Contains("no-such-signal", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        using var own = await OpenAsync(Http, id, "$retraction:" + signal.SignalId, "The journal's own entry.");
        Assert.Equal(HttpStatusCode.NotFound, own.StatusCode);

        using var noReason = await Http.PostAsJsonAsync($"/v1/subjects/citizen/{id}/disputes", new { signalId = signal.SignalId });
        await AssertFieldAsync(noReason, "reason");
        using var notJson = await Http.PostAsync($"/v1/subjects/citizen/{id}/disputes", new StringContent("[1,", System.Text.Encoding.UTF8, "application/json"));
        await AssertFieldAsync(notJson, "body");
        using var badKind = await OpenAsync(Http, id, signal.SignalId!, "Wrong kind.", "person");
        await AssertFieldAsync(badKind, "kind");

        using var badId = await Http.PostAsJsonAsync("/v1/disputes/42/resolution", new { outcome = "upheld", note = "x" });
        await AssertFieldAsync(badId, "disputeId");
        using var noSuch = await ResolveAsync(Http, Guid.NewGuid(), "upheld", "x");
        Assert.Equal(HttpStatusCode.NotFound, noSuch.StatusCode);
        using var opened = await OpenAsync(Http, id, signal.SignalId!, "Paid twice?");
        var dispute = (await opened.Content.ReadFromJsonAsync<Dispute>(ApiJson.Options))!;
        using var badOutcome = await ResolveAsync(Http, dispute.Id, "deleted", "x");
        await AssertFieldAsync(badOutcome, "outcome");
        using var badStatus = await Http.GetAsync("/v1/disputes?status=closed");
        await AssertFieldAsync(badStatus, "status");
        Assert.Equal(1, (await ReadAsync(Http, id)).OpenDisputes); // nothing above changed the open dispute
    }

    [Fact]
    public async Task AnOpenDisputePastItsDueTimeIsListedAsOverdue()
    {
        var id = Signals.NewId();
        var signal = Signals.For("official", id, "audit.finding", 3);
        await PostAsync(Http, signal);
        using var opened = await OpenAsync(Http, id, signal.SignalId!, "The finding was withdrawn.", "official");
        var dispute = (await opened.Content.ReadFromJsonAsync<Dispute>(ApiJson.Options))!;
        await using var dataSource = NpgsqlDataSource.Create(Fixture.Database.ConnectionString);
        var store = new DisputeStore(dataSource);

        var notYet = await store.ListAsync(DisputeStatus.Open, dispute.DueAt.AddSeconds(-1), DisputeStore.MaxList);
        var overdue = await store.ListAsync(DisputeStatus.Open, dispute.DueAt.AddSeconds(1), DisputeStore.MaxList);

        Assert.DoesNotContain(dispute.Id, notYet.Select(r => r.Id));
        var row = Assert.Single(overdue, r => r.Id == dispute.Id);
        Assert.False(Grains.Subjects.DisputeRows.ToDispute(row, dispute.DueAt.AddSeconds(-1)).Overdue);
        Assert.True(Grains.Subjects.DisputeRows.ToDispute(row, dispute.DueAt.AddSeconds(1)).Overdue);
        Assert.DoesNotContain(dispute.Id, (await ListAsync(Http, "/v1/disputes?overdue=true&limit=1000")).Select(d => d.Id)); // due in 30 days
    }

    internal static void AssertSameScore(SubjectScore expected, SubjectScore actual)
    {
        Assert.Equal(BitConverter.DoubleToInt64Bits(expected.Score), BitConverter.DoubleToInt64Bits(actual.Score));
        Assert.Equal((expected.Band, expected.SignalCount, expected.ModelVersion), (actual.Band, actual.SignalCount, actual.ModelVersion));
        Assert.Equal(expected.Dimensions, actual.Dimensions);
        Assert.Equal(
            expected.Reasons.Select(r => (r.Code, r.SignalId, BitConverter.DoubleToInt64Bits(r.Impact))),
            actual.Reasons.Select(r => (r.Code, r.SignalId, BitConverter.DoubleToInt64Bits(r.Impact))));
    }

    private static async Task AssertFieldAsync(HttpResponseMessage response, string field)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    private static Task<HttpResponseMessage> OpenAsync(HttpClient http, string id, string signalId, string reason, string kind = "citizen") =>
        http.PostAsJsonAsync($"/v1/subjects/{kind}/{id}/disputes", new { signalId, reason });

    private static Task<HttpResponseMessage> ResolveAsync(HttpClient http, Guid dispute, string outcome, string note) =>
        http.PostAsJsonAsync($"/v1/disputes/{dispute}/resolution", new { outcome, note });

    private static async Task<IReadOnlyList<Dispute>> ListAsync(HttpClient http, string path)
    {
        var list = await http.GetFromJsonAsync<JsonElement>(path, ApiJson.Options);
        return list.GetProperty("disputes").Deserialize<List<Dispute>>(ApiJson.Options)!;
    }

    private static async Task PostAsync(HttpClient http, SignalInput signal)
    {
        using var response = await http.PostAsJsonAsync("/v1/signals", new[] { signal }, ApiJson.Options);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(body.GetProperty("applied").GetInt32() == 1, body.ToString());
    }

    private static async Task<SubjectScore> ReadAsync(HttpClient http, string id, string kind = "citizen")
    {
        using var response = await http.GetAsync($"/v1/subjects/{kind}/{id}");
        Assert.True(response.IsSuccessStatusCode, $"{kind}/{id}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<SubjectScore>(ApiJson.Options))!;
    }

    private static async Task<OwnSilo> StartAsync(TestDatabase database)
    {
        var port = LoopbackPort.Free();
        var host = await ScoreGrainsHost.BuildAsync(HostArguments.For(database.ConnectionString, "disputes-replay", port, "--Logging:LogLevel:Default=Warning"));
        await host.StartAsync();
        return new OwnSilo(host, new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) });
    }

    private sealed record OwnSilo(Microsoft.AspNetCore.Builder.WebApplication Host, HttpClient Http) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            Http.Dispose();
            await Host.StopAsync();
            await Host.DisposeAsync();
        }
    }
}
