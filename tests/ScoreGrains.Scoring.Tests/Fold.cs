using System.Text.Json;

namespace ScoreGrains.Scoring.Tests;

/// <summary>Runs whole sequences through the engine the way a subject grain would.</summary>
internal static class Fold
{
    public static ScoreSheet Run(ScoringModel model, IEnumerable<ScoringSignal> signals, ScoreSheet? sheet = null)
    {
        sheet ??= ScoreSheet.Start(model);
        foreach (var signal in signals)
        {
            ScoringEngine.Apply(model, sheet, signal);
        }

        return sheet;
    }

    public static ScoreSheet RoundTrip(ScoreSheet sheet) =>
        JsonSerializer.Deserialize<ScoreSheet>(JsonSerializer.Serialize(sheet))!;

    /// <summary>Every bit of the state, for comparing two sheets exactly (JSON doubles round-trip).</summary>
    public static string Bits(ScoreSheet sheet) =>
        $"{BitConverter.DoubleToInt64Bits(sheet.Score):X16} {JsonSerializer.Serialize(sheet)}";
}
