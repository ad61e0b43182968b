using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using ScoreGrains.Contracts;
using ScoreGrains.LoadTest.Cluster;
using ScoreGrains.LoadTest.Targets;

namespace ScoreGrains.LoadTest.Tests;

/// <summary>
/// The load tester's several-silo HTTP target against two scripted loopback endpoints that speak the ingest API's
/// shape (200, 503 with per-item outcomes, or a 503 problem for the whole batch): what it resends, where, and what it reports.
/// </summary>
public sealed class RoundRobinTargetTests : IAsyncLifetime
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };
    private readonly ScriptedSilo _first = new();
    private readonly ScriptedSilo _second = new();

    public async Task InitializeAsync()
    {
        await _first.StartAsync();
        await _second.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _first.DisposeAsync();
        await _second.DisposeAsync();
    }

    [Fact]
    public async Task ItemsOneSiloCouldNotStoreAreResentWithTheSameIdsToTheNextAndTheResultHoldsTheirFinalOutcome()
    {
        _first.Answer = index => index == 0 ? SignalStatus.Applied : SignalStatus.Failed;
        var ledger = new ClusterLedger();
        await using var target = Target(TimeSpan.FromSeconds(10), ledger);
        var batch = Batch(3);

        var result = await target.SendAsync(batch);

        Assert.All(result.Outcomes, o => Assert.Equal(SignalStatus.Applied, o.Status));
        Assert.Equal([batch[0].SignalId!, batch[1].SignalId!, batch[2].SignalId!], _first.Received);
        Assert.Equal([batch[1].SignalId!, batch[2].SignalId!], _second.Received);
        Assert.Equal(2, target.Retries.RetriedItems);
        Assert.Equal(1, target.Retries.RecoveredBatches);
        Assert.Equal(3, ledger.AcknowledgedCount);
    }

    [Fact]
    public async Task AServerErrorIsCountedApartFromTheApisRetryAnswerAndRetried()
    {
        _first.ServerError = true;
        await using var target = Target(TimeSpan.FromSeconds(10));

        var result = await target.SendAsync(Batch(2));

        Assert.All(result.Outcomes, o => Assert.Equal(SignalStatus.Applied, o.Status));
        Assert.Equal(1, target.Retries.ServerErrors);
        Assert.Equal(2, _second.Received.Count);
    }

    [Fact]
    public async Task ItemsStillUnacknowledgedWhenTheRetryTimeRunsOutComeBackFailedAndAreCounted()
    {
        _first.Answer = _second.Answer = _ => SignalStatus.Failed;
        var ledger = new ClusterLedger();
        await using var target = Target(TimeSpan.FromMilliseconds(400), ledger);

        var result = await target.SendAsync(Batch(2)).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.All(result.Outcomes, o => Assert.Equal(SignalStatus.Failed, o.Status));
        Assert.Equal(2, target.Retries.GaveUpItems);
        Assert.Equal(0, target.Retries.RecoveredBatches);
        Assert.Equal(0, ledger.AcknowledgedCount);
    }

    [Fact]
    public async Task WithoutRetriesEachBatchGoesOnceToTheNextSiloInTurn()
    {
        _first.Answer = _ => SignalStatus.Failed;
        await using var target = Target(TimeSpan.Zero);

        var failed = await target.SendAsync(Batch(1));
        var applied = await target.SendAsync(Batch(1));

        Assert.Equal(SignalStatus.Failed, failed.Outcomes[0].Status);
        Assert.Equal(SignalStatus.Applied, applied.Outcomes[0].Status);
        Assert.Single(_first.Received);
        Assert.Single(_second.Received);
        Assert.Equal(0, target.Retries.RetriedItems);
    }

    [Fact]
    public async Task AWholeBatch503ProblemIsAnUnknownOutcomeNamingTheProblemAndIsRetriedOnTheNextSilo()
    {
        _first.ClusterTimeout = true;
        await using (var single = new HttpTarget(_first.Address, 4))
        {
            var unknown = await Assert.ThrowsAsync<HttpRequestException>(() => single.SendAsync(Batch(2)));
            Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, unknown.StatusCode);
            Assert.Contains("The cluster could not answer in time", unknown.Message);
        }

        await using var target = Target(TimeSpan.FromSeconds(10));
        var result = await target.SendAsync(Batch(2));

        Assert.All(result.Outcomes, o => Assert.Equal(SignalStatus.Applied, o.Status));
        Assert.Equal(2, _second.Received.Count);
    }

    private RoundRobinTarget Target(TimeSpan retryFor, ClusterLedger? ledger = null) =>
        new([new HttpTarget(_first.Address, 4), new HttpTarget(_second.Address, 4)], retryFor, ledger);

    private static List<SignalInput> Batch(int size) =>
    [
        .. Enumerable.Range(0, size).Select(i => new SignalInput
        {
            SignalId = Guid.NewGuid().ToString("N"),
            Subject = new SubjectInput { Kind = "citizen", Id = $"c{i}" },
            Type = "bill.paid",
            OccurredAt = DateTimeOffset.UtcNow,
        }),
    ];

    /// <summary>A loopback endpoint answering POST /v1/signals as told: per-item outcomes (503 when one failed), or a 500.</summary>
    private sealed class ScriptedSilo : IAsyncDisposable
    {
        private readonly ConcurrentQueue<string> _received = new();
        private WebApplication? _app;

        public Uri Address { get; private set; } = null!;

        public Func<int, SignalStatus> Answer { get; set; } = _ => SignalStatus.Applied;

        public bool ServerError { get; set; }

        /// <summary>Answer as the silo does when the cluster did not answer in time: a 503 problem, no outcomes.</summary>
        public bool ClusterTimeout { get; set; }

        public IReadOnlyList<string> Received => [.. _received];

        public async Task StartAsync()
        {
            Address = new Uri($"http://127.0.0.1:{LoopbackPort.Free()}/");
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls(Address.ToString());
            builder.Logging.ClearProviders();
            _app = builder.Build();
            _app.MapPost("/v1/signals", async (HttpContext http) =>
            {
                var batch = await http.Request.ReadFromJsonAsync<List<SignalInput>>(Json) ?? [];
                if (ServerError)
                {
                    return Results.Problem("boom", statusCode: 500);
                }

                if (ClusterTimeout)
                {
                    return Results.Problem(title: "The cluster could not answer in time; retry the same batch.", statusCode: 503);
                }

                foreach (var signal in batch)
                {
                    _received.Enqueue(signal.SignalId!);
                }

                var outcomes = batch.Select((s, i) => new SignalOutcome(s.SignalId, Answer(i))).ToList();
                var failed = outcomes.Count(o => o.Status == SignalStatus.Failed);
                var body = new { applied = batch.Count - failed, duplicates = 0, rejected = 0, failed, outcomes };
                return Results.Json(body, Json, statusCode: failed > 0 ? 503 : 200);
            });
            await _app.StartAsync();
        }

        public async ValueTask DisposeAsync()
        {
            if (_app is not null)
            {
                await _app.DisposeAsync();
            }
        }
    }
}
