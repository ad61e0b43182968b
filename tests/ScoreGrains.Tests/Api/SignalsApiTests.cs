using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ScoreGrains.Tests.Infrastructure;

namespace ScoreGrains.Tests.Api;

/// <summary>The HTTP API against the real silo process (Kestrel on loopback, test database).</summary>
[Collection(ClusterCollection.Name)]
public sealed class SignalsApiTests(ClusterFixture fixture) : IAsyncLifetime
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
    public async Task PostedSignalsGetPerItemOutcomesAndTheSubjectReadsBackWithReasons()
    {
        var id = Signals.NewId();
        var body = $$"""
            [
              { "signalId": "{{id}}-1", "subject": { "kind": "citizen", "id": "{{id}}" }, "type": "loan.defaulted", "occurredAt": "{{Signals.Now.AddDays(-2):O}}", "source": "bank" },
              { "signalId": "{{id}}-2", "subject": { "kind": "citizen", "id": "{{id}}" }, "type": "volunteer.hours", "value": 1e999, "occurredAt": "{{Signals.Now.AddDays(-1):O}}", "source": "ngo" },
              { "signalId": "{{id}}-1", "subject": { "kind": "citizen", "id": "{{id}}" }, "type": "loan.defaulted", "occurredAt": "{{Signals.Now.AddDays(-2):O}}", "source": "bank" },
              { "signalId": "{{id}}-3", "subject": { "kind": "martian", "id": "{{id}}" }, "type": "loan.defaulted", "occurredAt": "{{Signals.Now:O}}", "source": "bank" }
            ]
            """;

        using var response = await PostAsync(body);
        var json = await ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var outcomes = json.GetProperty("outcomes").EnumerateArray().ToList();
        Assert.Equal(["applied", "rejected", "duplicate", "rejected"], outcomes.Select(o => o.GetProperty("status").GetString()));
        Assert.Equal("value", outcomes[1].GetProperty("field").GetString());
        Assert.Equal("subject.kind", outcomes[3].GetProperty("field").GetString());
        Assert.Equal(1, json.GetProperty("applied").GetInt32());

        var subject = await ReadJsonAsync(await _http.GetAsync($"/v1/subjects/citizen/{id}"));
        Assert.Equal(1, subject.GetProperty("signalCount").GetInt64());
        Assert.Equal(outcomes[0].GetProperty("score").GetDouble(), subject.GetProperty("score").GetDouble());
        Assert.False(string.IsNullOrEmpty(subject.GetProperty("band").GetString()));
        Assert.False(string.IsNullOrEmpty(subject.GetProperty("modelVersion").GetString()));
        Assert.NotEmpty(subject.GetProperty("dimensions").EnumerateArray());
        Assert.Contains(subject.GetProperty("reasons").EnumerateArray(), r => r.GetProperty("signalType").GetString() == "loan.defaulted");
    }

    [Fact]
    public async Task HistoryListsEachAppliedSignalWithItsEffectNewestFirstAndPages()
    {
        var id = Signals.NewId();
        var signals = Enumerable.Range(0, 3).Select(i => Signals.For("official", id, "complaint.upheld", occurredAt: Signals.Now.AddDays(i - 5))).ToList();
        using var posted = await _http.PostAsJsonAsync("/v1/signals", signals);
        var outcomes = (await ReadJsonAsync(posted)).GetProperty("outcomes").EnumerateArray().ToList();

        var page = await ReadJsonAsync(await _http.GetAsync($"/v1/subjects/official/{id}/history?limit=2"));
        var entries = page.GetProperty("entries").EnumerateArray().ToList();
        var older = await ReadJsonAsync(await _http.GetAsync($"/v1/subjects/official/{id}/history?limit=2&before={page.GetProperty("before").GetInt64()}"));

        Assert.Equal([3L, 2], entries.Select(e => e.GetProperty("seq").GetInt64()));
        Assert.Equal(signals[2].SignalId, entries[0].GetProperty("signalId").GetString());
        Assert.Equal(outcomes[2].GetProperty("score").GetDouble(), entries[0].GetProperty("scoreAfter").GetDouble());
        Assert.Equal(entries[1].GetProperty("scoreAfter").GetDouble(), entries[0].GetProperty("scoreBefore").GetDouble());
        Assert.Equal(signals[0].SignalId, Assert.Single(older.GetProperty("entries").EnumerateArray()).GetProperty("signalId").GetString());
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=1001", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("limit=-5", "limit")]
    [InlineData("before=0", "before")]
    [InlineData("before=latest", "before")]
    [InlineData("before=99999999999999999999", "before")]
    public async Task ABadHistoryQueryParameterIsA400ProblemNamingIt(string query, string parameter)
    {
        using var response = await _http.GetAsync($"/v1/subjects/citizen/{Signals.NewId()}/history?{query}");

        await AssertProblemAsync(response, parameter);
    }

    [Theory]
    [InlineData("[{\"signalId\": \"a\",", "body")]
    [InlineData("{\"signalId\": \"a\"}", "body")]
    [InlineData("null", "body")]
    public async Task AnUnusableBodyIsA400ProblemNamingTheProblem(string body, string field)
    {
        using var response = await PostAsync(body);

        await AssertProblemAsync(response, field);
    }

    [Theory]
    [InlineData("\"value\": \"ten\"", "value")]
    [InlineData("\"occurredAt\": \"2026-11-28T10:00:00\"", "occurredAt")]
    [InlineData("\"occurredAt\": \"yesterday\"", "occurredAt")]
    [InlineData("\"signalId\": 42", "signalId")]
    public async Task AWronglyTypedFieldRejectsOnlyItsItem(string badField, string field)
    {
        var id = Signals.NewId();
        var good = $$"""{ "signalId": "{{id}}-ok", "subject": { "kind": "company", "id": "{{id}}" }, "type": "tax.arrears", "occurredAt": "2026-11-01T10:00:00Z", "source": "tax" }""";
        var bad = $$"""{ "subject": { "kind": "company", "id": "{{id}}" }, "type": "tax.arrears", "source": "tax", "occurredAt": "2026-11-01T11:00:00Z", "signalId": "{{id}}-bad", {{badField}} }""";

        using var response = await PostAsync($"[{bad}, {good}]");
        var outcomes = (await ReadJsonAsync(response)).GetProperty("outcomes").EnumerateArray().ToList();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("rejected", outcomes[0].GetProperty("status").GetString());
        Assert.Equal(field, outcomes[0].GetProperty("field").GetString());
        Assert.Equal("invalid_json", outcomes[0].GetProperty("code").GetString());
        Assert.Equal("applied", outcomes[1].GetProperty("status").GetString());
        var subject = await ReadJsonAsync(await _http.GetAsync($"/v1/subjects/company/{id}"));
        Assert.Equal(1, subject.GetProperty("signalCount").GetInt64());
    }

    [Theory]
    [InlineData("signalId", false)]
    [InlineData("signalId", true)]
    [InlineData("source", false)]
    [InlineData("type", true)]
    public async Task TextThatIsNotUnicodeRejectsOnlyItsItemNamingTheField(string field, bool rawByte)
    {
        var id = Signals.NewId();
        var values = new Dictionary<string, string> { ["signalId"] = $"{id}-bad", ["type"] = "tax.arrears", ["source"] = "tax" };
        values[field] = "x-BROKEN";
        var good = $$"""{ "signalId": "{{id}}-ok", "subject": { "kind": "company", "id": "{{id}}" }, "type": "tax.arrears", "occurredAt": "2026-11-01T10:00:00Z", "source": "tax" }""";
        var bad = $$"""{ "signalId": "{{values["signalId"]}}", "subject": { "kind": "company", "id": "{{id}}" }, "type": "{{values["type"]}}", "occurredAt": "2026-11-01T11:00:00Z", "source": "{{values["source"]}}" }""";

        // BROKEN becomes a lone surrogate escaped in JSON, or a byte that cannot occur in UTF-8.
        var body = $"[{bad}, {good}]".Split("BROKEN");
        byte[] broken = rawByte ? [0xFF] : Encoding.UTF8.GetBytes(@"\ud800");
        using var content = new ByteArrayContent([.. Encoding.UTF8.GetBytes(body[0]), .. broken, .. Encoding.UTF8.GetBytes(body[1])]);
        content.Headers.ContentType = new("application/json");
        using var response = await _http.PostAsync("/v1/signals", content);
        var text = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"expected 200, got {(int)response.StatusCode}: {text}");
        var outcomes = JsonDocument.Parse(text).RootElement.GetProperty("outcomes").EnumerateArray().ToList();
        Assert.Equal("rejected", outcomes[0].GetProperty("status").GetString());
        Assert.Equal(field, outcomes[0].GetProperty("field").GetString());
        Assert.Equal("invalid_json", outcomes[0].GetProperty("code").GetString());
        Assert.Equal("applied", outcomes[1].GetProperty("status").GetString());
        var subject = await ReadJsonAsync(await _http.GetAsync($"/v1/subjects/company/{id}"));
        Assert.Equal(1, subject.GetProperty("signalCount").GetInt64());
    }

    [Fact]
    public async Task ABatchOverTheLimitIsA400ProblemAndAppliesNothing()
    {
        var id = Signals.NewId();
        var items = Enumerable.Range(0, 101).Select(i => Signals.For("citizen", id, "bill.paid"));

        using var response = await _http.PostAsJsonAsync("/v1/signals", items);

        var problem = await AssertProblemAsync(response, "body");
        Assert.Contains("100", problem, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync($"/v1/subjects/citizen/{id}")).StatusCode);
    }

    [Fact]
    public async Task ABodyOverTheSizeLimitIsA400Problem()
    {
        var padding = new string('x', 70_000);
        using var response = await PostAsync($"[{{\"signalId\": \"{padding}\"}}]");

        await AssertProblemAsync(response, "body");
    }

    [Theory]
    [InlineData("planet", "x1", "kind")]
    [InlineData("citizen", "has space", "id")]
    public async Task ReadingASubjectWithABadKeyIsA400NamingTheField(string kind, string id, string field)
    {
        using var response = await _http.GetAsync($"/v1/subjects/{kind}/{Uri.EscapeDataString(id)}");

        await AssertProblemAsync(response, field);
    }

    [Fact]
    public async Task HealthAndOpenApiAreServed()
    {
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync("/healthz")).StatusCode);
        var openApi = await ReadJsonAsync(await _http.GetAsync("/openapi/v1.json"));
        Assert.True(openApi.GetProperty("paths").TryGetProperty("/v1/signals", out _));
    }

    private Task<HttpResponseMessage> PostAsync(string json) =>
        _http.PostAsync("/v1/signals", new StringContent(json, Encoding.UTF8, "application/json"));

    private static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    private static async Task<string> AssertProblemAsync(HttpResponseMessage response, string field)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"expected 400, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out var messages), $"no error for '{field}' in {text}");
        Assert.NotEmpty(messages.EnumerateArray());
        return text;
    }
}
