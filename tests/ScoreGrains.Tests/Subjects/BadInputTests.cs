using ScoreGrains.Contracts;
using ScoreGrains.Tests.Infrastructure;

namespace ScoreGrains.Tests.Subjects;

[Collection(ClusterCollection.Name)]
public sealed class BadInputTests(ClusterFixture fixture)
{
    public static TheoryData<string, string, string> BadItems => new()
    {
        { "unknown kind", "subject.kind", "unknown_kind" },
        { "missing kind", "subject.kind", "required" },
        { "missing subject id", "subject.id", "required" },
        { "over-long subject id", "subject.id", "invalid" },
        { "subject id with a slash", "subject.id", "invalid" },
        { "missing signal id", "signalId", "required" },
        { "over-long signal id", "signalId", "too_long" },
        { "unknown type", "type", "unknown_type" },
        { "missing occurredAt", "occurredAt", "required" },
        { "occurredAt far in the future", "occurredAt", "in_future" },
        { "infinite value", "value", "not_finite" },
        { "NaN value", "value", "not_finite" },
        { "value out of the rule's range", "value", "out_of_range" },
        { "occurredAt before 1970", "occurredAt", "before_epoch" },
        { "control character in type", "type", "invalid" },
        { "missing source", "source", "required" },
    };

    [Theory]
    [MemberData(nameof(BadItems))]
    public async Task ABadItemIsRejectedWithItsFieldWhileTheRestOfTheBatchApplies(string problem, string field, string code)
    {
        var id = Signals.NewId();
        var bad = MakeBad(problem, id);
        var good = Signals.For("citizen", Signals.NewId(), "payment.on_time");

        var result = await fixture.Cluster.Client.GetGrain<IIngestGrain>(0).IngestAsync([bad, good]);

        var rejected = result.Outcomes[0];
        Assert.Equal(SignalStatus.Rejected, rejected.Status);
        Assert.Equal(field, rejected.Field);
        Assert.Equal(code, rejected.Code);
        Assert.False(string.IsNullOrWhiteSpace(rejected.Reason));
        Assert.Equal(SignalStatus.Applied, result.Outcomes[1].Status);
        var untouched = await fixture.Cluster.Client.GetGrain<ISubjectGrain>($"citizen/{id}").GetScoreAsync();
        Assert.Equal(0, untouched.SignalCount);
    }

    /// <summary>
    /// The catalogue a client switches on is the codes rejections carry: every case above has a listed code, and every
    /// listed rejection code has a case, except the HTTP reader's and a failure's (their own tests are in the API's).
    /// </summary>
    [Fact]
    public void SignalOutcomeCodesListsExactlyTheCodesRejectionsCarry()
    {
        var listed = typeof(SignalOutcomeCodes).GetFields().Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToHashSet();
        var carried = BadItems.Select(item => (string)item[2]).ToHashSet();

        Assert.Subset(listed, carried);
        Assert.Equal(listed.Except([SignalOutcomeCodes.InvalidJson, SignalOutcomeCodes.Unavailable]).Order(), carried.Order());
    }

    [Fact]
    public async Task ABatchOverTheLimitIsRefusedWholeWithATypedException()
    {
        var id = Signals.NewId();
        var batch = Enumerable.Range(0, 5_001).Select(_ => Signals.For("citizen", id, "bill.paid")).ToList();

        var exception = await Assert.ThrowsAsync<BatchTooLargeException>(() => fixture.Cluster.Client.GetGrain<IIngestGrain>(0).IngestAsync(batch));

        Assert.Equal(5_001, exception.Count);
        Assert.Equal(5_000, exception.MaxBatchSize);
        Assert.Equal(0, (await fixture.Cluster.Client.GetGrain<ISubjectGrain>($"citizen/{id}").GetScoreAsync()).SignalCount);
    }

    private static SignalInput MakeBad(string problem, string id)
    {
        var valid = Signals.For("citizen", id, "volunteer.hours", value: 3);
        return problem switch
        {
            "unknown kind" => valid with { Subject = new SubjectInput { Kind = "planet", Id = id } },
            "missing kind" => valid with { Subject = new SubjectInput { Id = id } },
            "missing subject id" => valid with { Subject = new SubjectInput { Kind = "citizen" } },
            "over-long subject id" => valid with { Subject = new SubjectInput { Kind = "citizen", Id = new string('7', 65) } },
            "subject id with a slash" => valid with { Subject = new SubjectInput { Kind = "citizen", Id = id + "/x" } },
            "missing signal id" => valid with { SignalId = null },
            "over-long signal id" => valid with { SignalId = new string('s', 201) },
            "unknown type" => valid with { Type = "horoscope.bad" },
            "missing occurredAt" => valid with { OccurredAt = null },
            "occurredAt far in the future" => valid with { OccurredAt = DateTimeOffset.UtcNow.AddYears(50) },
            "infinite value" => valid with { Value = double.PositiveInfinity },
            "NaN value" => valid with { Value = double.NaN },
            "value out of the rule's range" => valid with { Value = 1001 },
            "occurredAt before 1970" => valid with { OccurredAt = new DateTimeOffset(1969, 12, 31, 23, 59, 59, TimeSpan.Zero) },
            "control character in type" => valid with { Type = "volunteer.hours\n" },
            "missing source" => valid with { Source = " " },
            _ => throw new ArgumentOutOfRangeException(nameof(problem), problem, "no such case"),
        };
    }
}
