using CsCheck;

namespace ScoreGrains.Scoring.Tests;

public sealed class DecayTests
{
    private static readonly long Day = TimeSpan.TicksPerDay;

    [Fact]
    public void APositiveContributionHalvesAfterOneHalfLife()
    {
        var sheet = Fold.Run(TestModel.Model, [TestModel.Signal("good", 0)]);
        Assert.Equal(510, sheet.Score);

        ScoringEngine.AdvanceClock(TestModel.Model, sheet, TestModel.T0.AddDays(10));

        Assert.Equal(505, sheet.Score, 1e-12);
    }

    [Fact]
    public void AContributionShrinksTowardZeroAsTheClockAdvances()
    {
        Gen.Int[1, 40].Array[1, 30].Sample(steps =>
        {
            var sheet = Fold.Run(TestModel.Model, [TestModel.Signal("good", 0)]);
            var day = 0;
            var previous = sheet.Score - 500;
            foreach (var step in steps)
            {
                ScoringEngine.AdvanceClock(TestModel.Model, sheet, TestModel.T0.AddDays(day += step));
                var contribution = sheet.Score - 500;
                Assert.InRange(contribution, 0, previous);
                Assert.Equal(10 * Math.Pow(2, -day / 10.0), contribution, 1e-9);
                previous = contribution;
            }
        });
    }

    [Fact]
    public void AfterManyHalfLivesNothingIsLeftAtAll()
    {
        var sheet = Fold.Run(TestModel.Model, [TestModel.Signal("good", 0), TestModel.Signal("mixed.good", 0)]);

        ScoringEngine.AdvanceClock(TestModel.Model, sheet, TestModel.T0.AddDays(2000));

        Assert.Equal(500, sheet.Score);
        Assert.All(sheet.Points, p => Assert.Equal(0, p));
    }

    [Fact]
    public void ALateSignalIsAddedAlreadyDecayedByItsAge()
    {
        var sheet = ScoreSheet.Start(TestModel.Model);
        ScoringEngine.AdvanceClock(TestModel.Model, sheet, TestModel.T0.AddDays(20));

        ScoringEngine.Apply(TestModel.Model, sheet, TestModel.Signal("good", 0));

        Assert.Equal(502.5, sheet.Score, 1e-12);
        Assert.Equal(TestModel.T0.AddDays(20), sheet.Clock);
    }

    [Fact]
    public void TheClockNeverRunsBackwards()
    {
        var sheet = Fold.Run(TestModel.Model, [TestModel.Signal("good", 10), TestModel.Signal("good", 5)]);

        ScoringEngine.AdvanceClock(TestModel.Model, sheet, TestModel.T0);

        Assert.Equal(TestModel.T0.AddDays(10), sheet.Clock);
    }

    [Fact]
    public void TheDecayFactorIsExactOnWholeHalfLives()
    {
        Assert.Equal(1.0, HalfLife.Factor(0, Day));
        Assert.Equal(0.5, HalfLife.Factor(Day, Day));
        Assert.Equal(0.125, HalfLife.Factor(3 * Day, Day));
        Assert.Equal(0.0, HalfLife.Factor(5000 * Day, Day));
        Assert.Equal(1.0, HalfLife.Factor(Day, 0));
    }

    [Fact]
    public void TheDecayFactorMatchesPowWithinRounding()
    {
        // Compared on whole half-lives plus a fraction: Pow(2, -elapsed/halfLife) on the rounded quotient
        // is itself off by up to ~1e-13 for large exponents, which would hide errors in the polynomial.
        Gen.Select(Gen.Long[0, 60 * 3650 * Day], Gen.Long[1, 3650 * Day]).Sample((elapsed, halfLife) =>
        {
            var whole = elapsed / halfLife;
            var fraction = (double)(elapsed % halfLife) / halfLife;
            var expected = Math.ScaleB(Math.Pow(2, -fraction), -(int)Math.Min(whole, 2000));
            var actual = HalfLife.Factor(elapsed, halfLife);
            Assert.True(Math.Abs(actual - expected) <= 1e-15 * expected || whole > 1000, $"{actual} vs {expected}");
        });
    }
}
