using System.Text.Json.Nodes;

namespace ScoreGrains.Scoring.Tests;

public sealed class ModelLoadingTests
{
    public static TheoryData<string, string> BrokenModels => new()
    {
        { "{ \"kind\": ", "invalid" },
        { "null", "null" },
        { TestModel.With(r => r["kind"] = "person"), "'kind'" },
        { TestModel.With(r => r.Remove("version")), "'version' is required" },
        { TestModel.With(r => r["maxScore"] = -1), "'maxScore'" },
        { TestModel.With(r => r["startScore"] = 2000), "'startScore'" },
        { TestModel.With(r => r["hysteresis"] = -1), "'hysteresis'" },
        { TestModel.With(r => r["disputeDays"] = 0), "'disputeDays'" },
        { TestModel.With(r => r["minScore"] = 1e300), "'minScore' must be a finite number" },
        { TestModel.With(r => Rule(r, 0)["dimension"] = "karma"), "'rules[0].dimension' names unknown dimension \"karma\"" },
        { TestModel.With(r => Rule(r, 1)["context"] = "social_media"), "'rules[1].context' \"social_media\" is not one of the model's contexts" },
        { TestModel.With(r => Rule(r, 2).Remove("description")), "'rules[2].description' is required" },
        { TestModel.With(r => Rule(r, 3)["type"] = "good"), "'rules[3].type' duplicates" },
        { TestModel.With(r => Rule(r, 0)["type"] = "Good Deed"), "'rules[0].type'" },
        { TestModel.With(r => Rule(r, 4)["value"]!.AsObject().Remove("max")), "'rules[4].value' needs both min and max" },
        { TestModel.With(r => Dimension(r, 1)["cap"] = 0), "'dimensions[1].cap' must be greater than zero" },
        { TestModel.With(r => Dimension(r, 0)["halfLifeDays"] = -3), "'dimensions[0].halfLifeDays'" },
        { TestModel.With(r => Dimension(r, 1)["name"] = "decaying"), "'dimensions[1].name' duplicates" },
        { TestModel.With(r => Dimension(r, 0)["halfLifeDay"] = 3), "halfLifeDay" },
        { TestModel.With(r => Band(r, 1)["lower"] = 0), "'bands[1].lower' must be above the previous band" },
        { TestModel.With(r => Band(r, 2)["lower"] = 300), "'bands[2].lower' must be above the previous band" },
        { TestModel.With(r => Band(r, 0)["lower"] = 10), "'bands[0].lower' the first band must start at minScore" },
        { TestModel.With(r => Band(r, 2)["name"] = "low"), "'bands[2].name' duplicates" },
        { TestModel.With(r => r["bands"] = new JsonArray()), "'bands' must have at least one entry" },
        { TestModel.With(r => r["contexts"] = new JsonArray("payments", "payments")), "'contexts[1]' duplicates" },
    };

    [Theory]
    [MemberData(nameof(BrokenModels))]
    public void AnInvalidModelIsRejectedNamingTheBadField(string json, string expectedInMessage)
    {
        var error = Assert.Throws<ScoringModelException>(() => ScoringModel.Parse(json));

        Assert.Contains(expectedInMessage, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheTestModelLoadsWithItsDimensionsRulesAndBands()
    {
        var model = TestModel.Model;

        Assert.Equal(["decaying", "expiring", "both", "flat"], model.Dimensions.Select(d => d.Name));
        Assert.Equal(["low", "mid", "high"], model.Bands.Select(b => b.Name));
        Assert.True(model.TryGetRule("hours", out var hours));
        Assert.Equal((true, 0.0, 100.0, 20.0), (hours.ValueRequired, hours.ValueMin, hours.ValueMax, hours.MaxPoints));
        Assert.False(model.TryGetRule("HOURS", out _));
    }

    [Fact]
    public void DisputesAreOverdueAfterThirtyDaysUnlessTheModelSaysOtherwise()
    {
        Assert.Equal(TimeSpan.FromDays(30), TestModel.Model.DisputePeriod);
        Assert.Equal(TimeSpan.FromDays(45), ScoringModel.Parse(TestModel.With(r => r["disputeDays"] = 45)).DisputePeriod);
    }

    private static JsonObject Rule(JsonObject root, int i) => root["rules"]![i]!.AsObject();

    private static JsonObject Dimension(JsonObject root, int i) => root["dimensions"]![i]!.AsObject();

    private static JsonObject Band(JsonObject root, int i) => root["bands"]![i]!.AsObject();
}
