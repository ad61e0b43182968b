using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ScoreGrains.Silo.Security;
using ScoreGrains.Tests.Infrastructure;

namespace ScoreGrains.Tests.Security;

/// <summary>What a caller without a good key gets (401 with a challenge, or 403), what the audit records, and the per-key signal limit.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ApiKeyTests(ClusterFixture fixture)
{
    [Theory]
    [InlineData(null, null)]
    [InlineData("Bearer sg_not_a_key_anyone_has", "The key is not known.")]
    [InlineData("Basic dXNlcjpwYXNz", "The Authorization header must be 'Bearer <key>'.")]
    [InlineData("Bearer ", "The Authorization header must be 'Bearer <key>'.")]
    public async Task AMissingOrUnknownKeyIs401WithABearerChallengeAsProblemJson(string? authorization, string? error)
    {
        var silo = await fixture.GetSecuredSiloAsync();
        using var http = silo.Client(null);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/subjects/citizen/{Signals.NewId()}");
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenge = Assert.Single(response.Headers.WwwAuthenticate);
        Assert.Equal("Bearer", challenge.Scheme);
        Assert.Equal(error is null ? "realm=\"ScoreGrains\"" : $"realm=\"ScoreGrains\", error=\"invalid_token\", error_description=\"{error}\"", challenge.Parameter);
        var problem = await ProblemAsync(response);
        Assert.Equal(401, problem.GetProperty("status").GetInt32());
        Assert.Equal(error ?? "Send 'Authorization: Bearer <key>' with a key that holds the endpoint's role.", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task ARevokedKeyIs401AndItsNameIsLoggedNotTheKey()
    {
        var silo = await fixture.GetSecuredSiloAsync();
        using var http = silo.Client("revoked");

        using var response = await http.GetAsync($"/v1/subjects/citizen/{Signals.NewId()}");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("The key was revoked.", (await ProblemAsync(response)).GetProperty("detail").GetString());
        var warning = Assert.Single(silo.Log.GetSnapshot(), r => r.Message.Contains("revoked key revoked", StringComparison.Ordinal));
        Assert.DoesNotContain(silo.Keys["revoked"], warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AKeyWithoutTheRoleIs403NamingWhatItHolds()
    {
        var silo = await fixture.GetSecuredSiloAsync();
        using var http = silo.Client("reader");

        using var response = await http.PostAsJsonAsync("/v1/signals", new[] { Signals.For("citizen", Signals.NewId(), "bill.paid_on_time") }, ApiJson.Options);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("The key 'reader' holds: reader.", (await ProblemAsync(response)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task AReadOfANamedSubjectIsAuditedWithTheKeysNameNeverTheKey()
    {
        var silo = await fixture.GetSecuredSiloAsync();
        using var http = silo.Client("reader");
        var id = Signals.NewId();

        using var response = await http.GetAsync($"/v1/subjects/company/{id}/history");

        response.EnsureSuccessStatusCode();
        var record = Assert.Single(silo.Log.GetSnapshot(), r => r.Category == AccessAudit.Category && r.Message.Contains(id, StringComparison.Ordinal));
        Assert.Equal(9000, record.Id.Id);
        Assert.StartsWith("Access by reader (reader): GetSubjectHistory company/" + id + " at ", record.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(silo.Keys["reader"], record.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARefusedReadIsNotAnAccess()
    {
        var silo = await fixture.GetSecuredSiloAsync();
        using var http = silo.Client("producer");
        var id = Signals.NewId();

        using var response = await http.GetAsync($"/v1/subjects/citizen/{id}");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.DoesNotContain(silo.Log.GetSnapshot(), r => r.Category == AccessAudit.Category && r.Message.Contains(id, StringComparison.Ordinal));
    }

    [Fact]
    public async Task OverItsSignalRateABatchIs429WithRetryAfterAndNothingOfItIsApplied()
    {
        var silo = await fixture.GetSecuredSiloAsync();
        using var producer = silo.Client("limited");
        using var reader = silo.Client("reader");
        const int limit = SecuredSilo.LimitedSignalsPerSecond;

        // More than the bucket ever holds: refused at once, waiting would not help.
        var tooBig = Batch(limit + 1);
        using var refusedOutright = await producer.PostAsJsonAsync("/v1/signals", tooBig.Signals, ApiJson.Options);
        Assert.Equal(HttpStatusCode.TooManyRequests, refusedOutright.StatusCode);
        Assert.Contains("send smaller batches", (await ProblemAsync(refusedOutright)).GetProperty("detail").GetString(), StringComparison.Ordinal);

        // A full bucket's worth passes; the next batch right after it finds the bucket (nearly) empty.
        using var first = await producer.PostAsJsonAsync("/v1/signals", Batch(limit).Signals, ApiJson.Options);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var second = Batch(limit);
        using var refused = await producer.PostAsJsonAsync("/v1/signals", second.Signals, ApiJson.Options);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), $"Retry-After: {refused.Headers.RetryAfter}");
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);

        foreach (var id in tooBig.Ids.Concat(second.Ids))
        {
            var history = await reader.GetFromJsonAsync<JsonElement>($"/v1/subjects/citizen/{id}/history", ApiJson.Options);
            Assert.Equal(0, history.GetProperty("entries").GetArrayLength());
        }
    }

    [Fact]
    public async Task TheOpenApiDocumentDeclaresTheBearerSchemeAndEachOperationsRole()
    {
        var silo = await fixture.GetSecuredSiloAsync();
        using var http = silo.Client(null);

        var document = await http.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty(ApiKeyAuthenticationHandler.SchemeName);
        Assert.Equal("http", scheme.GetProperty("type").GetString());
        Assert.Equal("bearer", scheme.GetProperty("scheme").GetString());
        Assert.True(document.GetProperty("security")[0].TryGetProperty(ApiKeyAuthenticationHandler.SchemeName, out _));
        var paths = document.GetProperty("paths");
        Assert.Contains("role producer", paths.GetProperty("/v1/signals").GetProperty("post").GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheDashboardPageLoadsWithoutAKeySoItCanAskForOne()
    {
        var silo = await fixture.GetSecuredSiloAsync();
        using var http = silo.Client(null);

        using var page = await http.GetAsync("/");
        using var stats = await http.GetAsync("/v1/stats");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, stats.StatusCode);
    }

    private static (string[] Ids, object[] Signals) Batch(int count)
    {
        var ids = Enumerable.Range(0, count).Select(_ => Signals.NewId()).ToArray();
        return (ids, [.. ids.Select(id => Signals.For("citizen", id, "bill.paid_on_time"))]);
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
