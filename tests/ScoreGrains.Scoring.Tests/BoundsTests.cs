using CsCheck;

namespace ScoreGrains.Scoring.Tests;

public sealed class BoundsTests
{
    // Every number at the largest magnitude a model may hold, so sums of many signals are pushed hardest.
    private static readonly ScoringModel Extreme = ScoringModel.Parse(TestModel.With(root =>
    {
        root["minScore"] = -1e9;
        root["maxScore"] = 1e9;
        root["startScore"] = 1e9;
        root["bands"]![0]!["lower"] = -1e9;
        foreach (var dimension in root["dimensions"]!.AsArray())
        {
            dimension!["weight"] = 1e9;
            dimension["cap"] = 1e9;
        }

        var nudge = root["rules"]!.AsArray().Single(r => (string?)r!["type"] == "nudge")!;
        nudge["perUnit"] = 1e9;
    }));

    public static TheoryData<string> Kinds => ["citizen", "company", "official", "test", "extreme"];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void RandomSequencesNeverLeaveTheScaleOrProduceNaN(string kind)
    {
        var model = kind switch
        {
            "test" => TestModel.Model,
            "extreme" => Extreme,
            _ => DefaultModels.Catalog.For(SubjectKinds.TryParse(kind, out var k) ? k : default),
        };
        var bands = model.Bands.Select(b => b.Name).ToHashSet();
        SignalGen.For(model, maxLength: 300).Sample(signals =>
        {
            var sheet = ScoreSheet.Start(model);
            foreach (var signal in signals)
            {
                Assert.Null(ScoringEngine.Validate(model, signal, signal.OccurredAt));
                var effect = ScoringEngine.Apply(model, sheet, signal);
                Assert.True(double.IsFinite(effect.ScoreAfter), $"score {effect.ScoreAfter}");
                Assert.InRange(effect.ScoreAfter, model.MinScore, model.MaxScore);
                Assert.Contains(sheet.Band, bands);
                Assert.All(sheet.Points, p => Assert.True(double.IsFinite(p), $"points {p}"));
            }
        });
    }

    [Fact]
    public void ExtremeValuesHammeredAtOneInstantStayFinite()
    {
        var sheet = ScoreSheet.Start(Extreme);
        for (var i = 0; i < 10_000; i++)
        {
            ScoringEngine.Apply(Extreme, sheet, TestModel.Signal("nudge", 0, i % 2 == 0 ? 1e9 : -1e9));
            ScoringEngine.Apply(Extreme, sheet, TestModel.Signal("nudge", 0, 1e9));
        }

        Assert.Equal(Extreme.MaxScore, sheet.Score);
        Assert.True(double.IsFinite(sheet.Points[3]));
    }
}
