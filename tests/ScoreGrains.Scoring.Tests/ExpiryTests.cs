namespace ScoreGrains.Scoring.Tests;

public sealed class ExpiryTests
{
    [Fact]
    public void ANegativeRecordStopsCountingWhenItExpires()
    {
        var sheet = Fold.Run(TestModel.Model, [TestModel.Signal("bad", 0)]);
        Assert.Equal(490, sheet.Score);

        ScoringEngine.AdvanceClock(TestModel.Model, sheet, TestModel.T0.AddDays(30).AddTicks(-1));
        Assert.Equal(490, sheet.Score);

        ScoringEngine.AdvanceClock(TestModel.Model, sheet, TestModel.T0.AddDays(30));
        Assert.Equal(500, sheet.Score);
        Assert.Empty(sheet.Negatives!);
    }

    [Fact]
    public void TheLatestDueExpiryIsTheLastRecordExpiredByNowAndACopyMovesWithoutTheSheet()
    {
        var sheet = Fold.Run(TestModel.Model, [TestModel.Signal("bad", 0), TestModel.Signal("bad", 10)]);
        var score = sheet.Score;

        Assert.Null(ScoringEngine.LatestDueExpiry(sheet, TestModel.T0.AddDays(30).AddTicks(-1)));
        Assert.Equal(TestModel.T0.AddDays(30), ScoringEngine.LatestDueExpiry(sheet, TestModel.T0.AddDays(35)));
        Assert.Equal(TestModel.T0.AddDays(40), ScoringEngine.LatestDueExpiry(sheet, TestModel.T0.AddDays(400)));

        var view = sheet.Copy();
        ScoringEngine.AdvanceClock(TestModel.Model, view, ScoringEngine.LatestDueExpiry(sheet, TestModel.T0.AddDays(400))!.Value);
        Assert.Equal(500, view.Score);
        Assert.Null(ScoringEngine.LatestDueExpiry(view, TestModel.T0.AddDays(400)));
        Assert.Equal((score, 2, TestModel.T0.AddDays(10).UtcTicks), (sheet.Score, sheet.Negatives!.Count, sheet.ClockTicks)); // the sheet did not move
    }

    [Fact]
    public void ANegativeSignalArrivingAfterItsExpiryCountsNothing()
    {
        var sheet = Fold.Run(TestModel.Model, [TestModel.Signal("good", 31)]);
        var before = sheet.Score;

        var effect = ScoringEngine.Apply(TestModel.Model, sheet, TestModel.Signal("bad", 0));

        Assert.Equal(before, effect.ScoreAfter);
        Assert.Equal(2, sheet.SignalCount);
    }

    [Fact]
    public void ExpiryRemovesOnlyTheDecayedNegativePartOfADimension()
    {
        var sheet = Fold.Run(TestModel.Model, [TestModel.Signal("mixed.good", 0), TestModel.Signal("mixed.bad", 0)]);
        Assert.Equal(500 - 8, sheet.Score);

        ScoringEngine.AdvanceClock(TestModel.Model, sheet, TestModel.T0.AddDays(60));

        // 60 days = 3 half-lives: the +4 has become +0.5 points, weight 2; the -8 is gone.
        Assert.Equal(501, sheet.Score, 1e-9);
    }

    [Fact]
    public void AFloodOfNegativesStaysBoundedAndAllOfItExpires()
    {
        var signals = Enumerable.Range(0, 1000).Select(i => TestModel.Signal("bad", i / 100.0, id: $"bad-{i}"));
        var sheet = Fold.Run(TestModel.Model, signals);
        Assert.InRange(sheet.Negatives!.Count, 1, ScoreSheet.MaxNegativeRecords);
        Assert.Equal(400, sheet.Score);

        ScoringEngine.AdvanceClock(TestModel.Model, sheet, TestModel.T0.AddDays(41));

        Assert.Equal(500, sheet.Score);
        Assert.Equal(0, sheet.Points[1]);
    }
}
