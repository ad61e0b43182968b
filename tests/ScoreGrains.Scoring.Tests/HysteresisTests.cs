using CsCheck;

namespace ScoreGrains.Scoring.Tests;

public sealed class HysteresisTests
{
    private static readonly ScoringModel Model = TestModel.Model; // mid = [400, 600), high >= 600, hysteresis 5

    [Theory]
    [InlineData("mid", 600, "mid")]
    [InlineData("mid", 604.99, "mid")]
    [InlineData("mid", 605, "high")]
    [InlineData("mid", 395, "mid")]
    [InlineData("mid", 394.99, "low")]
    [InlineData("high", 595, "high")]
    [InlineData("high", 594.99, "mid")]
    [InlineData("low", 1000, "high")]
    [InlineData("high", 0, "low")]
    [InlineData("retired-band", 601, "high")]
    public void LeavingABandRequiresCrossingItsEdgeByTheHysteresis(string current, double score, string expected)
    {
        Assert.Equal(expected, Model.NextBand(current, score));
    }

    [Fact]
    public void AScoreHoveringOnAnEdgeDoesNotFlap()
    {
        Gen.Double[-4.9, 4.9].Array[1, 100].Sample(wobbles =>
        {
            var sheet = Fold.Run(Model, [TestModel.Signal("nudge", 0, 100)]); // exactly 600: still mid
            var day = 0;
            foreach (var wobble in wobbles)
            {
                var effect = ScoringEngine.Apply(Model, sheet, TestModel.Signal("nudge", day++, 600 + wobble - sheet.Score));
                Assert.False(effect.CrossedBand, $"crossed at {effect.ScoreAfter}");
            }
        });
    }

    [Fact]
    public void CrossingAnEdgeByTheHysteresisMovesTheBandButASmallStepBackDoesNot()
    {
        var sheet = ScoreSheet.Start(Model);

        var up = ScoringEngine.Apply(Model, sheet, TestModel.Signal("nudge", 0, 106));
        var back = ScoringEngine.Apply(Model, sheet, TestModel.Signal("nudge", 1, -8));
        var down = ScoringEngine.Apply(Model, sheet, TestModel.Signal("nudge", 2, -4));

        Assert.Equal(("mid", "high"), (up.BandBefore, up.BandAfter));
        Assert.Equal((598.0, false), (back.ScoreAfter, back.CrossedBand));
        Assert.Equal((594.0, "mid"), (down.ScoreAfter, down.BandAfter));
    }

    [Fact]
    public void WithoutHysteresisNextBandIsBandFor()
    {
        var model = ScoringModel.Parse(TestModel.With(root => root["hysteresis"] = 0));
        var names = model.Bands.Select(b => b.Name).ToArray();
        Gen.Select(Gen.Int[0, names.Length - 1], Gen.Double[0, 1000]).Sample((current, score) =>
            Assert.Equal(model.BandFor(score), model.NextBand(names[current], score)));
    }

    [Theory]
    [InlineData(0, "low")]
    [InlineData(399.99, "low")]
    [InlineData(400, "mid")]
    [InlineData(600, "high")]
    [InlineData(1000, "high")]
    public void BandForUsesInclusiveLowerBounds(double score, string expected)
    {
        Assert.Equal(expected, Model.BandFor(score));
    }
}
