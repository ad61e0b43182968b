using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using ScoreGrains.Silo.Hosting;
using ScoreGrains.Tests.Infrastructure;

namespace ScoreGrains.Tests.Api;

/// <summary>
/// <c>PUT /v1/models/{kind}</c>: a bad model is a 400 naming the field and changes nothing; a good one is recorded
/// with who put it in use, rescores a subject on its next signal, is written to the models directory, and reaches a
/// silo that did not take the upload without a restart.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ModelUploadTests(ClusterFixture fixture)
{
    private static readonly TimeSpan PickUpWithin = TimeSpan.FromSeconds(15);

    [Theory]
    [InlineData("official", "\"startScore\": 800", "\"startScore\": 5000", "startScore")]
    [InlineData("official", "\"name\": \"watch\", \"lower\": 400", "\"name\": \"watch\", \"lower\": 400, \"colour\": 1", "$.bands[1].colour")]
    [InlineData("official", "\"kind\": \"official\"", "\"kind\": \"company\"", "kind")]
    [InlineData("martian", "", "", "kind")]
    [InlineData("official", "\"version\": \"official-2026.1\"", "\"version\": \"official-2026.1\"", "version")] // the version in use
    public async Task ABadModelIsA400NamingTheFieldAndChangesNothing(string kind, string find, string replace, string field)
    {
        var silo = await fixture.GetSecuredSiloAsync();
        using var admin = silo.Client("admin");
        var before = await ModelsTextAsync(admin);
        var fileBefore = await File.ReadAllTextAsync(Path.Combine(silo.ModelsDirectory, "official.json"));
        var document = find.Length == 0 ? await ShippedAsync("official") : (await ShippedAsync("official")).Replace(find, replace, StringComparison.Ordinal);
        if (!document.Contains(replace, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The shipped model has no '{find}' to replace.");
        }

        using var response = await admin.PutAsync($"/v1/models/{kind}", new StringContent(document, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        Assert.Equal(before, await ModelsTextAsync(admin));
        Assert.Equal(fileBefore, await File.ReadAllTextAsync(Path.Combine(silo.ModelsDirectory, "official.json")));
    }

    [Fact]
    public async Task AGoodModelIsRecordedAndRescoresASubjectOnItsNextSignalAsATwinThatOnlyKnewIt()
    {
        var silo = await fixture.GetSecuredSiloAsync();
        using var admin = silo.Client("admin");
        var (subject, twin) = (Signals.NewId(), Signals.NewId());
        var first = Signals.For("official", subject, "commendation");
        await PostAsync(admin, first);
        var underOld = await ScoreAsync(admin, subject);

        // Commendations count 40 points instead of 15.
        var version = "official-test-" + Guid.NewGuid().ToString("N")[..8];
        var document = (await ShippedAsync("official"))
            .Replace("\"version\": \"official-2026.1\"", $"\"version\": \"{version}\"", StringComparison.Ordinal)
            .Replace("\"points\": 15, \"description\": \"Commendation\"", "\"points\": 40, \"description\": \"Commendation\"", StringComparison.Ordinal);
        using var put = await admin.PutAsync("/v1/models/official", new StringContent(document, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var info = await put.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(version, info.GetProperty("version").GetString());
        Assert.Equal("upload", info.GetProperty("source").GetString());
        Assert.Equal("admin", info.GetProperty("changedBy").GetString());

        using var reader = silo.Client("reader");
        var listed = (await ModelsAsync(reader)).Single(m => m.GetProperty("kind").GetString() == "official");
        Assert.Equal(version, listed.GetProperty("version").GetString());

        // The subject's next signal: its whole journal is folded again with the new model, as for the twin.
        var second = Signals.For("official", subject, "commendation", occurredAt: first.OccurredAt!.Value.AddSeconds(1));
        await PostAsync(admin, second);
        await PostAsync(admin, first with { SignalId = Guid.NewGuid().ToString("N"), Subject = new() { Kind = "official", Id = twin } });
        await PostAsync(admin, second with { SignalId = Guid.NewGuid().ToString("N"), Subject = new() { Kind = "official", Id = twin } });

        var rescored = await ScoreAsync(admin, subject);
        Assert.Equal(await ScoreAsync(admin, twin), rescored);
        Assert.Equal(version, (await SubjectAsync(admin, subject)).GetProperty("modelVersion").GetString());
        Assert.True(rescored - underOld > 40, $"{underOld} -> {rescored}: the first commendation was not rescored");

        Assert.Contains(version, await File.ReadAllTextAsync(Path.Combine(silo.ModelsDirectory, "official.json")), StringComparison.Ordinal);
        Assert.Contains(silo.Log.GetSnapshot(), r => r.Message.StartsWith("Access by admin (admin): PutModel official", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnUploadReachesAnotherSiloOfTheClusterWithoutARestartAndOneStartedLater()
    {
        var silo = await fixture.GetSecuredSiloAsync();
        await using var other = await StartPlainSiloAsync(silo.ServiceId);
        using var admin = silo.Client("admin");
        var version = "company-test-" + Guid.NewGuid().ToString("N")[..8];
        var document = (await ShippedAsync("company")).Replace("\"version\": \"company-2026.1\"", $"\"version\": \"{version}\"", StringComparison.Ordinal);
        Assert.Contains(version, document, StringComparison.Ordinal);

        using var put = await admin.PutAsync("/v1/models/company", new StringContent(document, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        await WaitForVersionAsync(other.Http, version);
        await using var later = await StartPlainSiloAsync(silo.ServiceId);
        Assert.Equal(version, await CompanyVersionAsync(later.Http));
    }

    private static async Task WaitForVersionAsync(HttpClient http, string version)
    {
        var deadline = DateTime.UtcNow + PickUpWithin;
        while (await CompanyVersionAsync(http) != version)
        {
            Assert.True(DateTime.UtcNow < deadline, $"The other silo still scores company with {await CompanyVersionAsync(http)} after {PickUpWithin}.");
            await Task.Delay(100);
        }
    }

    private static async Task<string?> CompanyVersionAsync(HttpClient http) =>
        (await ModelsAsync(http)).Single(m => m.GetProperty("kind").GetString() == "company").GetProperty("version").GetString();

    private async Task<PlainSilo> StartPlainSiloAsync(string serviceId)
    {
        var models = SecuredSilo.CopyOfModels();
        var port = LoopbackPort.Free();
        var app = await ScoreGrainsHost.BuildAsync(HostArguments.For(
            fixture.Database.ConnectionString, serviceId, port,
            $"--ScoreGrains:ModelsDirectory={models}", "--ScoreGrains:ModelPollInterval=00:00:00.200", "--Logging:LogLevel:Default=Warning"));
        await app.StartAsync();
        return new PlainSilo(app, new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") }, models);
    }

    private static async Task PostAsync(HttpClient http, params object[] signals)
    {
        using var response = await http.PostAsJsonAsync("/v1/signals", signals, ApiJson.Options);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode && body.GetProperty("applied").GetInt32() == signals.Length, body.ToString());
    }

    private static async Task<JsonElement> SubjectAsync(HttpClient http, string id) =>
        await http.GetFromJsonAsync<JsonElement>($"/v1/subjects/official/{id}");

    private static async Task<double> ScoreAsync(HttpClient http, string id) => (await SubjectAsync(http, id)).GetProperty("score").GetDouble();

    private static async Task<List<JsonElement>> ModelsAsync(HttpClient http) =>
        [.. (await http.GetFromJsonAsync<JsonElement>("/v1/models")).GetProperty("models").EnumerateArray()];

    private static async Task<string> ModelsTextAsync(HttpClient http) => string.Join("\n", (await ModelsAsync(http)).Select(m => m.GetRawText()));

    private static Task<string> ShippedAsync(string kind) =>
        File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "cluster-config", "models", $"{kind}.json"));

    private sealed record PlainSilo(WebApplication App, HttpClient Http, string ModelsDirectory) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            Http.Dispose();
            await App.StopAsync();
            await App.DisposeAsync();
            Directory.Delete(ModelsDirectory, recursive: true);
        }
    }
}
