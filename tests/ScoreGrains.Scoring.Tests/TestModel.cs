using System.Text.Json.Nodes;

namespace ScoreGrains.Scoring.Tests;

/// <summary>A small model with round numbers, so expected scores can be worked out by hand.</summary>
internal static class TestModel
{
    public static readonly DateTimeOffset T0 = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    // Dimensions: "decaying" halves every 10 days and never expires; "expiring" never decays and drops
    // negatives after 30 days; "both" halves every 20 days and drops negatives after 60; "flat" does neither.
    public const string Json = """
        {
          "kind": "citizen",
          "version": "test-1",
          "minScore": 0,
          "maxScore": 1000,
          "startScore": 500,
          "hysteresis": 5,
          "contexts": [ "payments", "court", "civic" ],
          "dimensions": [
            { "name": "decaying", "weight": 1, "cap": 100, "halfLifeDays": 10, "negativeExpiryDays": null },
            { "name": "expiring", "weight": 1, "cap": 100, "halfLifeDays": null, "negativeExpiryDays": 30 },
            { "name": "both", "weight": 2, "cap": 50, "halfLifeDays": 20, "negativeExpiryDays": 60 },
            { "name": "flat", "weight": 1, "cap": 500 }
          ],
          "rules": [
            { "type": "good", "dimension": "decaying", "context": "payments", "points": 10, "description": "Good deed" },
            { "type": "bad", "dimension": "expiring", "context": "court", "points": -10, "description": "Bad deed" },
            { "type": "mixed.good", "dimension": "both", "context": "payments", "points": 4, "description": "Mixed good" },
            { "type": "mixed.bad", "dimension": "both", "context": "court", "points": -8, "description": "Mixed bad" },
            { "type": "hours", "dimension": "decaying", "context": "civic", "perUnit": 0.5, "value": { "required": true, "min": 0, "max": 100 }, "maxPoints": 20, "description": "Hours" },
            { "type": "nudge", "dimension": "flat", "context": "civic", "perUnit": 1, "value": { "required": true, "min": -1000000000, "max": 1000000000 }, "description": "Moves the score by its value" }
          ],
          "bands": [
            { "name": "low", "lower": 0 },
            { "name": "mid", "lower": 400 },
            { "name": "high", "lower": 600 }
          ]
        }
        """;

    public static ScoringModel Model { get; } = ScoringModel.Parse(Json);

    /// <summary>The test model JSON after <paramref name="edit"/>, for load-error tests.</summary>
    public static string With(Action<JsonObject> edit)
    {
        var root = JsonNode.Parse(Json)!.AsObject();
        edit(root);
        return root.ToJsonString();
    }

    public static ScoringSignal Signal(string type, double days, double? value = null, string? id = null) =>
        new(id ?? $"{type}@{days}", type, value, T0.AddDays(days));
}
