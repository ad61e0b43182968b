using Orleans.TestingHost;
using ScoreGrains.Contracts;
using ScoreGrains.Tests.Infrastructure;

namespace ScoreGrains.Tests.Subjects;

[Collection(ClusterCollection.Name)]
public sealed class SubjectGrainTests(ClusterFixture fixture)
{
    private IIngestGrain Ingest => fixture.Cluster.Client.GetGrain<IIngestGrain>(0);

    [Fact]
    public async Task AnAppliedSignalMovesTheScoreAndExplainsIt()
    {
        var id = Signals.NewId();
        var result = await Ingest.IngestAsync([Signals.For("citizen", id, "court.judgment_defaulted")]);

        var outcome = Assert.Single(result.Outcomes);
        Assert.Equal(SignalStatus.Applied, outcome.Status);
        var score = await fixture.Cluster.Client.GetGrain<ISubjectGrain>($"citizen/{id}").GetScoreAsync();
        Assert.Equal(1, score.SignalCount);
        Assert.Equal(outcome.Score, score.Score);
        Assert.True(score.Score < 600, $"a defaulted judgment should lower the start score 600, got {score.Score}");
        Assert.Contains(score.Reasons, r => r.SignalType == "court.judgment_defaulted" && r.Impact < 0);
        Assert.Contains(score.Dimensions, d => d.Contribution < 0);
    }

    [Fact]
    public async Task TheScoreAtAPastTimeIsTheFoldOfTheSignalsRecordedByThen()
    {
        var id = Signals.NewId();
        var subject = fixture.Cluster.Client.GetGrain<ISubjectGrain>($"company/{id}");
        await Ingest.IngestAsync([Signals.For("company", id, "tax.arrears", occurredAt: Signals.Now.AddDays(-2))]);
        var first = await subject.GetScoreAsync();
        var between = DateTimeOffset.UtcNow;
        await Ingest.IngestAsync([Signals.For("company", id, "tax.paid_on_time", occurredAt: Signals.Now.AddDays(-1))]);

        var then = await subject.GetScoreAsync(between);

        Assert.Equal(1, then.SignalCount);
        Assert.Equal(BitConverter.DoubleToInt64Bits(first.Score), BitConverter.DoubleToInt64Bits(then.Score));
        Assert.Equal(2, (await subject.GetScoreAsync(DateTimeOffset.UtcNow)).SignalCount);
        var future = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => subject.GetScoreAsync(DateTimeOffset.UtcNow.AddHours(1)));
        Assert.StartsWith("asOf", future.Message, StringComparison.Ordinal); // Orleans carries the message, not ParamName
    }

    [Fact]
    public async Task ADuplicateSignalIdIsNotCountedTwice()
    {
        var id = Signals.NewId();
        var signal = Signals.For("company", id, "tax.arrears");

        var first = await Ingest.IngestAsync([signal, signal]);
        var retry = await Ingest.IngestAsync([signal]);

        Assert.Equal([SignalStatus.Applied, SignalStatus.Duplicate], first.Outcomes.Select(o => o.Status));
        Assert.Equal(SignalStatus.Duplicate, Assert.Single(retry.Outcomes).Status);
        var score = await fixture.Cluster.Client.GetGrain<ISubjectGrain>($"company/{id}").GetScoreAsync();
        Assert.Equal(1, score.SignalCount);
        Assert.Equal(first.Outcomes[0].Score, score.Score);
    }

    [Fact]
    public async Task ConcurrentBatchesForOneSubjectLoseNoUpdate()
    {
        var id = Signals.NewId();
        const int Batches = 16;
        const int PerBatch = 10;
        var batches = Enumerable.Range(0, Batches)
            .Select(_ => Enumerable.Range(0, PerBatch).Select(_ => Signals.For("official", id, "audit.clean")).ToList())
            .ToList();

        var results = await Task.WhenAll(batches.Select(b => Ingest.IngestAsync(b)));

        Assert.All(results.SelectMany(r => r.Outcomes), o => Assert.Equal(SignalStatus.Applied, o.Status));
        var score = await fixture.Cluster.Client.GetGrain<ISubjectGrain>($"official/{id}").GetScoreAsync();
        Assert.Equal(Batches * PerBatch, score.SignalCount);
        // The last acknowledged score is the subject's score: no update was overwritten by another.
        Assert.Contains(results.SelectMany(r => r.Outcomes), o => o.Score == score.Score);
    }

    [Theory]
    [InlineData("citizen")]
    [InlineData("company")]
    [InlineData("official")]
    public async Task LookalikeIdsNeverShareState(string kind)
    {
        // "581712" and "0581712" parse to the same hexadecimal integer; the stock key mapping collides on them.
        var suffix = Random.Shared.Next(100_000, 999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var plain = suffix;
        var padded = "0" + suffix;
        var type = kind switch { "citizen" => "tax.arrears", "company" => "tax.arrears", _ => "audit.finding" };

        await Ingest.IngestAsync([Signals.For(kind, plain, type)]);
        var cluster = await RestartAsync();
        try
        {
            var client = cluster.Client;
            var stored = await client.GetGrain<ISubjectGrain>($"{kind}/{plain}").GetScoreAsync();
            var lookalike = await client.GetGrain<ISubjectGrain>($"{kind}/{padded}").GetScoreAsync();

            Assert.Equal(1, stored.SignalCount);
            Assert.Equal(0, lookalike.SignalCount);
        }
        finally
        {
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }
    }

    [Fact]
    public async Task ScoresSurviveAFullClusterRestartBitForBit()
    {
        var serviceId = "restart-" + Guid.NewGuid().ToString("N")[..8];
        var ids = Enumerable.Range(0, 20).Select(_ => Signals.NewId()).ToList();
        var before = new Dictionary<string, SubjectScore>();

        var first = await fixture.StartClusterAsync(serviceId);
        try
        {
            var ingest = first.Client.GetGrain<IIngestGrain>(0);
            await ingest.IngestAsync([.. ids.SelectMany(id => new[]
            {
                Signals.For("citizen", id, "payment.on_time"),
                Signals.For("citizen", id, "volunteer.hours", value: 12),
                Signals.For("citizen", id, "traffic.violation", occurredAt: Signals.Now.AddDays(-40)),
            })]);
            foreach (var id in ids)
            {
                before[id] = await first.Client.GetGrain<ISubjectGrain>($"citizen/{id}").GetScoreAsync();
            }
        }
        finally
        {
            await first.StopAllSilosAsync();
            await first.DisposeAsync();
        }

        var second = await fixture.StartClusterAsync(serviceId);
        try
        {
            foreach (var id in ids)
            {
                var after = await second.Client.GetGrain<ISubjectGrain>($"citizen/{id}").GetScoreAsync();
                Assert.Equal(3, after.SignalCount);
                Assert.Equal(BitConverter.DoubleToInt64Bits(before[id].Score), BitConverter.DoubleToInt64Bits(after.Score));
                Assert.Equal(before[id].Band, after.Band);
            }
        }
        finally
        {
            await second.StopAllSilosAsync();
            await second.DisposeAsync();
        }
    }

    [Fact]
    public async Task ADuplicateIsRecognisedAfterARestart()
    {
        var serviceId = "dedupe-" + Guid.NewGuid().ToString("N")[..8];
        var signal = Signals.For("citizen", Signals.NewId(), "bill.paid");

        var first = await fixture.StartClusterAsync(serviceId);
        var applied = await first.Client.GetGrain<IIngestGrain>(0).IngestAsync([signal]);
        await first.StopAllSilosAsync();
        await first.DisposeAsync();

        var second = await fixture.StartClusterAsync(serviceId);
        try
        {
            var retried = await second.Client.GetGrain<IIngestGrain>(0).IngestAsync([signal]);
            Assert.Equal(SignalStatus.Applied, Assert.Single(applied.Outcomes).Status);
            Assert.Equal(SignalStatus.Duplicate, Assert.Single(retried.Outcomes).Status);
        }
        finally
        {
            await second.StopAllSilosAsync();
            await second.DisposeAsync();
        }
    }

    private Task<TestCluster> RestartAsync() => fixture.StartClusterAsync(fixture.ServiceId);
}
