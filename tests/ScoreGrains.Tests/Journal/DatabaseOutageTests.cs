using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging.Abstractions;
using ScoreGrains.Contracts;
using ScoreGrains.Postgres;
using ScoreGrains.Silo.Hosting;
using ScoreGrains.Tests.Infrastructure;

namespace ScoreGrains.Tests.Journal;

/// <summary>PostgreSQL stops under load: no false ack, a bounded 503 with Retry-After (reads too), and recovery by itself.</summary>
[Collection(ClusterCollection.Name)]
public sealed class DatabaseOutageTests(ClusterFixture fixture)
{
    [Fact]
    public async Task WhilePostgresIsDownIngestionAnswers503AndResumesWhenItReturns()
    {
        var folder = Path.Combine(Path.GetTempPath(), "scoregrains-outage-" + Guid.NewGuid().ToString("N"));
        var options = new EmbeddedPostgresOptions { DataDirectory = folder, Durable = false };
        var database = await EmbeddedPostgres.StartAsync(options, NullLogger.Instance, CancellationToken.None);
        options.Port = database.Port;
        WebApplication? silo = null;
        try
        {
            var httpPort = LoopbackPort.Free();
            silo = await ScoreGrainsHost.BuildAsync(HostArguments.For(
                database.ConnectionString, "outage", httpPort, "--ScoreGrains:Journal:CommitTimeout=00:00:05", "--Logging:LogLevel:Default=Critical"));
            await silo.StartAsync();
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromSeconds(60) };
            var id = Signals.NewId();

            var before = await PostAsync(http, Signals.For("citizen", id, "bill.paid"));
            Assert.Equal(HttpStatusCode.OK, before.Status);
            using var listening = await OpenStreamAsync(http);

            await database.DisposeAsync();
            var duringSignal = Signals.For("citizen", id, "bill.paid");
            var during = await PostAsync(http, duringSignal).WaitAsync(TimeSpan.FromSeconds(45));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, during.Status);
            Assert.NotNull(during.RetryAfter);
            var failed = Assert.Single(during.Result.Outcomes);
            Assert.Equal((SignalStatus.Failed, "unavailable"), (failed.Status, failed.Code));

            // Reads that go to PostgreSQL say so the same way, with a problem body, not a bare 500: directly, or through
            // a subject that cannot activate (its snapshot is there), or a subject's stream that cannot start for that,
            // or an active subject's replay to a past time, or its export (which reads the journal before it streams).
            var inactive = Signals.NewId();
            var past = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddSeconds(-1).ToString("yyyy-MM-ddTHH:mm:ss.fffzzz", System.Globalization.CultureInfo.InvariantCulture));
            foreach (var path in new[]
            {
                "/v1/crossings", $"/v1/subjects/citizen/{id}/history", $"/v1/subjects/citizen/{inactive}", $"/v1/subjects/citizen/{inactive}/stream",
                $"/v1/subjects/citizen/{id}?asOf={past}", $"/v1/subjects/citizen/{id}/export",
            })
            {
                using var read = await http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead).WaitAsync(TimeSpan.FromSeconds(45));
                Assert.True(read.StatusCode == HttpStatusCode.ServiceUnavailable, $"{path}: {(int)read.StatusCode} {await read.Content.ReadAsStringAsync()}");
                Assert.NotNull(read.Headers.RetryAfter);
                Assert.Equal("application/problem+json", read.Content.Headers.ContentType?.MediaType);
            }

            // The live tail keeps failing to read meanwhile; a new stream still joins it at once instead of
            // waiting for the database behind the tail's retries.
            using var joined = await OpenStreamAsync(http).WaitAsync(TimeSpan.FromSeconds(10));

            database = await EmbeddedPostgres.StartAsync(options, NullLogger.Instance, CancellationToken.None);
            var retried = await RetryUntilAcceptedAsync(http, duringSignal, TimeSpan.FromSeconds(60));
            Assert.Equal(SignalStatus.Applied, retried.Status);
            var score = await http.GetFromJsonAsync<SubjectScore>($"/v1/subjects/citizen/{id}", ApiJson.Options);
            Assert.Equal(2, score!.SignalCount);
        }
        finally
        {
            if (silo is not null)
            {
                await silo.StopAsync();
                await silo.DisposeAsync();
            }

            await database.DisposeAsync();
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task WithoutPostgresSubjectAndFeedCallsReachACallerOnAnotherProcessAsTypedRetryableErrors()
    {
        var options = new EmbeddedPostgresOptions
        {
            DataDirectory = Path.Combine(Path.GetTempPath(), "scoregrains-outage-" + Guid.NewGuid().ToString("N")), Durable = false, DeleteOnDispose = true,
        };
        var database = await EmbeddedPostgres.StartAsync(options, NullLogger.Instance, CancellationToken.None);
        Orleans.TestingHost.TestCluster? cluster = null;
        try
        {
            await SchemaMigrator.ApplyAsync(database.ConnectionString, Path.Combine(AppContext.BaseDirectory, "cluster-config", "postgres"), NullLogger.Instance, CancellationToken.None);
            cluster = await fixture.StartClusterAsync("outage-asof-" + Guid.NewGuid().ToString("N")[..8], connectionString: database.ConnectionString);
            var id = Signals.NewId();
            var signal = Signals.For("citizen", id, "bill.paid", occurredAt: Signals.Now.AddDays(-1));
            await cluster.Client.GetGrain<IIngestGrain>(0).IngestAsync([signal]);
            var subject = cluster.Client.GetGrain<ISubjectGrain>($"citizen/{id}");
            var past = DateTimeOffset.UtcNow;

            await database.DisposeAsync();

            // The client is another endpoint: the error crosses the wire, and only a type Orleans knows keeps its kind.
            var replay = await Assert.ThrowsAsync<SubjectUnavailableException>(() => subject.GetScoreAsync(past));
            Assert.Contains("replay its journal", replay.Message);
            var dispute = await Assert.ThrowsAsync<SubjectUnavailableException>(() => subject.OpenDisputeAsync(signal.SignalId!, "not mine", "tester"));
            Assert.Contains("open a dispute", dispute.Message);
            var erasure = await Assert.ThrowsAsync<SubjectUnavailableException>(() => subject.EraseAsync("tester"));
            Assert.Contains("be erased", erasure.Message);
            await Assert.ThrowsAsync<FeedUnavailableException>(() => cluster.Client.GetGrain<ICrossingPageGrain>(0).ReadAsync(0, 10, CrossingFilter.All));
            var observer = cluster.Client.CreateObjectReference<ICrossingObserver>(new IgnoringObserver());
            await Assert.ThrowsAsync<FeedUnavailableException>(() => cluster.Client.GetGrain<ICrossingFeedGrain>("company").SubscribeAsync(observer, CrossingFilter.All));
        }
        finally
        {
            if (cluster is not null)
            {
                await cluster.StopAllSilosAsync();
                await cluster.DisposeAsync();
            }

            await database.DisposeAsync();
        }
    }

    private sealed class IgnoringObserver : ICrossingObserver
    {
        public Task OnCrossings(IReadOnlyList<Crossing> crossings) => Task.CompletedTask;

        public Task OnDropped(long resumeAfter) => Task.CompletedTask;
    }

    private static async Task<HttpResponseMessage> OpenStreamAsync(HttpClient http)
    {
        var response = await http.GetAsync("/v1/crossings/stream", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response;
    }

    /// <summary>What a producer does with a 503: retry the same signal after Retry-After, for a bounded time.</summary>
    private static async Task<SignalOutcome> RetryUntilAcceptedAsync(HttpClient http, SignalInput signal, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            var answer = await PostAsync(http, signal);
            if (answer.Status == HttpStatusCode.OK || DateTime.UtcNow > deadline)
            {
                return Assert.Single(answer.Result.Outcomes);
            }

            await Task.Delay(answer.RetryAfter ?? TimeSpan.FromSeconds(1));
        }
    }

    private static async Task<(HttpStatusCode Status, TimeSpan? RetryAfter, IngestResult Result)> PostAsync(HttpClient http, SignalInput signal)
    {
        using var response = await http.PostAsJsonAsync("/v1/signals", new[] { signal }, ApiJson.Options);
        var result = await response.Content.ReadFromJsonAsync<IngestResult>(ApiJson.Options);
        return (response.StatusCode, response.Headers.RetryAfter?.Delta, result!);
    }
}
