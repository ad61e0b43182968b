using System.Net;
using System.Text;
using System.Text.Json;
using ScoreGrains.Contracts;
using ScoreGrains.Tests.Infrastructure;

namespace ScoreGrains.Tests.Observability;

/// <summary>The Prometheus scrape endpoint of the real silo host: our meter and Orleans' own, as Prometheus names them.</summary>
[Collection(ClusterCollection.Name)]
public sealed class MetricsTests(ClusterFixture fixture) : IAsyncLifetime
{
    private const string SignalsTotal = "scoregrains_signals_total";
    private const string CommitRowsSum = "scoregrains_journal_commit_rows_sum";
    private const string CommitCount = "scoregrains_journal_commit_duration_seconds_count";
    private const string SubjectsActive = "scoregrains_subjects_active";
    private const string ActivationsTotal = "scoregrains_subjects_activations_total";
    private const string ActivationStorageCount = "scoregrains_subjects_activation_storage_duration_seconds_count";
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
    public async Task EachSignalOfABatchIsCountedOnceByKindAndOutcome()
    {
        var before = await PrometheusScrape.ReadAsync(_http);
        var id = Signals.NewId();
        var at = Signals.Now.AddMinutes(-5).ToString("O");
        var body = $$"""
            [
              { "signalId": "{{id}}-1", "subject": { "kind": "citizen", "id": "{{id}}" }, "type": "payment.on_time", "occurredAt": "{{at}}", "source": "bank" },
              { "signalId": "{{id}}-2", "subject": { "kind": "citizen", "id": "{{id}}" }, "type": "payment.on_time", "occurredAt": "{{at}}", "source": "bank" },
              { "signalId": "{{id}}-1", "subject": { "kind": "citizen", "id": "{{id}}" }, "type": "payment.on_time", "occurredAt": "{{at}}", "source": "bank" },
              { "signalId": "{{id}}-3", "subject": { "kind": "citizen", "id": "{{id}}" }, "type": "no.such.type", "occurredAt": "{{at}}", "source": "bank" },
              { "signalId": "{{id}}-4", "subject": { "kind": "citizen", "id": "{{id}}" }, "type": "payment.on_time", "value": "ten", "occurredAt": "{{at}}", "source": "bank" },
              { "signalId": "{{id}}-5", "subject": { "kind": "martian", "id": "{{id}}" }, "type": "payment.on_time", "occurredAt": "{{at}}", "source": "bank" }
            ]
            """;

        var first = await PostAsync(body);
        var afterFirst = await PrometheusScrape.ReadAsync(_http);
        var again = await PostAsync(body);
        var afterAgain = await PrometheusScrape.ReadAsync(_http);

        Assert.Equal(["applied", "applied", "duplicate", "rejected", "rejected", "rejected"], first);
        Assert.Equal(2, Delta(before, afterFirst, "citizen", "applied"));
        Assert.Equal(1, Delta(before, afterFirst, "citizen", "duplicate"));
        Assert.Equal(2, Delta(before, afterFirst, "citizen", "rejected")); // the unknown type (the subject's model) and the unreadable value (the API)
        Assert.Equal(1, Delta(before, afterFirst, "unknown", "rejected")); // the unknown kind (the ingest grain's envelope check)
        Assert.Equal(0, Delta(before, afterFirst, "citizen", "failed"));
        Assert.Equal(2, afterFirst.Sum(CommitRowsSum) - before.Sum(CommitRowsSum));
        Assert.True(afterFirst.Sum(CommitCount) > before.Sum(CommitCount), "the journal commit histogram's count did not rise");

        // The same batch again: the two applied are duplicates now, and nothing reaches the journal.
        Assert.Equal(["duplicate", "duplicate", "duplicate", "rejected", "rejected", "rejected"], again);
        Assert.Equal(0, Delta(afterFirst, afterAgain, "citizen", "applied"));
        Assert.Equal(3, Delta(afterFirst, afterAgain, "citizen", "duplicate"));
        Assert.Equal(2, Delta(afterFirst, afterAgain, "citizen", "rejected"));
        Assert.Equal(1, Delta(afterFirst, afterAgain, "unknown", "rejected"));
        Assert.Equal(afterFirst.Sum(CommitRowsSum), afterAgain.Sum(CommitRowsSum));
    }

    [Fact]
    public async Task CrossingsAreCountedWhenWrittenAndWhenDeliveredToAStream()
    {
        string[] ids = [Signals.NewId(), Signals.NewId()];
        using var stream = await _http.GetAsync($"/v1/crossings/stream?subject=citizen/{ids[0]}&subject=citizen/{ids[1]}", HttpCompletionOption.ResponseHeadersRead);
        using var events = new StreamReader(await stream.Content.ReadAsStreamAsync());
        var before = await PrometheusScrape.ReadAsync(_http);

        // Each fresh subject defaults a loan: fair into low, one crossing each. The stream counts an event once it has
        // written it, so only the first is surely counted when the client has read the second.
        foreach (var id in ids)
        {
            Assert.Equal(["applied"], await PostAsync(JsonSerializer.Serialize(new[] { Signals.For("citizen", id, "loan.defaulted") }, ApiJson.Options)));
            await NextCrossingAsync(events, id);
        }

        var after = await PrometheusScrape.ReadAsync(_http);

        Assert.Equal(2, after.Sum("scoregrains_crossings_written_total", ("kind", "citizen")) - before.Sum("scoregrains_crossings_written_total", ("kind", "citizen")));
        var delivered = after.Sum("scoregrains_crossings_delivered_total", ("kind", "citizen"), ("transport", "sse"))
            - before.Sum("scoregrains_crossings_delivered_total", ("kind", "citizen"), ("transport", "sse"));
        Assert.InRange(delivered, 1, 2);
        Assert.Equal(2, after.Sum(SubjectsActive, ("kind", "citizen"), ("band", "low")) - before.Sum(SubjectsActive, ("kind", "citizen"), ("band", "low")));
    }

    [Fact]
    public async Task ANewSubjectsActivationIsCountedAsFindingNothingStoredWithItsStorageTime()
    {
        var before = await PrometheusScrape.ReadAsync(_http);
        var id = Signals.NewId();
        var at = Signals.Now.AddMinutes(-5).ToString("O");

        var outcomes = await PostAsync($$"""
            [{ "signalId": "{{id}}-1", "subject": { "kind": "official", "id": "{{id}}" }, "type": "audit.clean", "occurredAt": "{{at}}", "source": "audit" }]
            """);
        var after = await PrometheusScrape.ReadAsync(_http);

        Assert.Equal(["applied"], outcomes);
        Assert.True(
            after.Sum(ActivationsTotal, ("source", "none")) - before.Sum(ActivationsTotal, ("source", "none")) >= 1,
            "the new subject's activation was not counted with source=none");
        Assert.True(after.Sum(ActivationStorageCount) > before.Sum(ActivationStorageCount), "the activation storage histogram's count did not rise");
    }

    [Fact]
    public async Task TheScrapeCarriesOrleansOwnMeters()
    {
        var scrape = await PrometheusScrape.ReadAsync(_http);

        Assert.True(scrape.Sum("orleans_catalog_activations") >= 1, "no orleans_catalog_activations in /metrics");
        Assert.True(scrape.HasMetricStartingWith("orleans_messaging_"), "no orleans_messaging_* metric in /metrics");
    }

    [Fact]
    public async Task SignalsAppliedOnAnotherSiloOfTheSameProcessAreNotCountedHere()
    {
        var before = await PrometheusScrape.ReadAsync(_http);

        // The fixture's test cluster is a silo of its own in this process, with its own meter from its own host.
        var result = await fixture.Cluster.Client.GetGrain<IIngestGrain>(0).IngestAsync([Signals.For("company", Signals.NewId(), "tax.paid_on_time")]);
        var after = await PrometheusScrape.ReadAsync(_http);

        Assert.Equal(SignalStatus.Applied, Assert.Single(result.Outcomes).Status);
        Assert.Equal(before.Sum(SignalsTotal, ("kind", "company")), after.Sum(SignalsTotal, ("kind", "company")));
    }

    private static double Delta(PrometheusScrape before, PrometheusScrape after, string kind, string outcome) =>
        after.Sum(SignalsTotal, ("kind", kind), ("outcome", outcome)) - before.Sum(SignalsTotal, ("kind", kind), ("outcome", outcome));

    /// <summary>Posts a batch; the status of each outcome.</summary>
    private async Task<List<string?>> PostAsync(string body)
    {
        using var response = await _http.PostAsync("/v1/signals", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("outcomes").EnumerateArray()
            .Select(o => o.GetProperty("status").GetString())];
    }

    /// <summary>Reads the stream up to the next crossing event and asserts it is <paramref name="id"/>'s.</summary>
    private static async Task NextCrossingAsync(StreamReader events, string id)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            while (await events.ReadLineAsync(timeout.Token) is { } line)
            {
                if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    Assert.Equal(id, JsonDocument.Parse(line[6..]).RootElement.GetProperty("id").GetString());
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutException($"Waited 30 s for the crossing of citizen/{id} on the stream.");
        }

        throw new InvalidOperationException($"The stream ended before the crossing of citizen/{id}.");
    }
}
