using System.Globalization;
using System.Text;

namespace ScoreGrains.LoadTest.Checking;

/// <summary>
/// Writes the acknowledged history of mismatched subjects as text (send/ack times, signals, reported scores), so a
/// mismatch can be reproduced with the pure engine alone and reported as a bug.
/// </summary>
internal static class MismatchDump
{
    public static string Describe(SubjectHistory history, string reason)
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder().Append(c, $"# {history.Kind}/{history.Id}: {reason}\n");
        foreach (var chunk in history.Chunks.OrderBy(x => x.SentAt))
        {
            text.Append(c, $"chunk sent {chunk.SentAt} acked {chunk.AckedAt}{(chunk.Failed ? " FAILED" : "")}\n");
            for (var i = 0; i < chunk.Signals.Length; i++)
            {
                var s = chunk.Signals[i];
                text.Append(c, $"  {s.SignalId} {s.Type} {s.Value?.ToString("R", c) ?? "-"} {s.OccurredAt.UtcTicks} -> {(i < chunk.Scores.Length ? chunk.Scores[i].ToString("R", c) : "?")} {(i < chunk.Bands.Length ? chunk.Bands[i] : "")}\n");
            }
        }

        return text.ToString();
    }
}
