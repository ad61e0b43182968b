namespace ScoreGrains.Scoring.Tests;

public sealed class ExplanationTests
{
    private static readonly ScoringModel Citizen = DefaultModels.Catalog.For(SubjectKind.Citizen);
    private static readonly DateTimeOffset T0 = TestModel.T0;

    [Fact]
    public void ReasonsAreTheLargestImpactsFirstWithTheRuleDescription()
    {
        var sheet = Fold.Run(Citizen,
        [
            new("p1", "payment.on_time", null, T0),
            new("j1", "court.judgment_defaulted", null, T0),
            new("v1", "volunteer.hours", 8, T0),
            new("t1", "traffic.violation", null, T0),
            new("i1", "identity.verified", null, T0),
        ]);

        var explanation = ScoringEngine.Explain(Citizen, sheet, topReasons: 3);

        Assert.Equal(["R-court.judgment_defaulted", "R-identity.verified", "R-traffic.violation"], explanation.Reasons.Select(r => r.Code));
        var judgment = explanation.Reasons[0];
        Assert.Equal(("j1", "court.judgment_defaulted", -126.0), (judgment.SignalId, judgment.SignalType, judgment.Impact));
        Assert.Equal("Court judgment not honoured (judgment defaulter)", judgment.Description);
    }

    [Fact]
    public void DimensionContributionsAddUpToTheScore()
    {
        var sheet = Fold.Run(Citizen, [new("v1", "volunteer.hours", 12, T0), new("l1", "loan.defaulted", null, T0.AddDays(3))]);

        var explanation = ScoringEngine.Explain(Citizen, sheet);

        Assert.Equal(explanation.Score, Citizen.StartScore + explanation.Dimensions.Sum(d => d.Contribution), 1e-9);
        var behaviour = explanation.Dimensions.Single(d => d.Name == "behaviour");
        Assert.Equal(1.5 * 3 * Math.Pow(2, -3.0 / 365), behaviour.Contribution, 1e-9); // 12 h x 0.25, decayed 3 days
    }

    [Fact]
    public void ContributionsBeyondTheCapDoNotCount()
    {
        var signals = Enumerable.Range(0, 4).Select(i => new ScoringSignal($"j{i}", "court.judgment_defaulted", null, T0));
        var explanation = ScoringEngine.Explain(Citizen, Fold.Run(Citizen, signals));

        var history = explanation.Dimensions.Single(d => d.Name == "credit_history");
        Assert.Equal((-240.0, -210.0), (history.Points, history.Contribution));
        Assert.Equal(390, explanation.Score);
        Assert.Equal("restricted", explanation.Band);
    }

    [Fact]
    public void AnExpiredRecordIsNoLongerAReason()
    {
        var sheet = Fold.Run(Citizen, [new("j1", "court.judgment_defaulted", null, T0)]);

        ScoringEngine.AdvanceClock(Citizen, sheet, T0.AddDays(1825));

        Assert.Empty(ScoringEngine.Explain(Citizen, sheet).Reasons);
        Assert.Equal(600, sheet.Score);
    }

    [Fact]
    public void VolunteerHoursAreCappedPerSignal()
    {
        var sheet = Fold.Run(Citizen, [new("v1", "volunteer.hours", 1000, T0)]);

        Assert.Equal(600 + (1.5 * 10), sheet.Score);
    }
}
