using ScoreGrains.Scoring;

namespace ScoreGrains.LoadTest.Checking;

/// <summary>
/// Folds a subject's acknowledged chunks with the pure engine, independently of the cluster. Chunks that were in
/// flight at the same time may have been applied in either order: a chunk can come next only if no other remaining
/// chunk was already acknowledged before it was sent, and among those the search takes the one whose folded
/// scores match what each of its outcomes reported, backing out when a later chunk then fails to match.
/// </summary>
internal static class HistoryReplay
{
    private const int MaxApplies = 200_000;

    /// <summary>The folded sheet, or null when no order of the chunks reproduces the reported scores.</summary>
    public static ScoreSheet? Fold(ScoringModel model, IReadOnlyList<AckedChunk> chunks)
    {
        var remaining = chunks.OrderBy(c => c.SentAt).ToList();
        var budget = MaxApplies;
        return Search(model, ScoreSheet.Start(model), remaining, ref budget);
    }

    private static ScoreSheet? Search(ScoringModel model, ScoreSheet sheet, List<AckedChunk> remaining, ref int budget)
    {
        if (remaining.Count == 0)
        {
            return sheet;
        }

        var firstAck = remaining.Min(c => c.AckedAt);
        for (var i = 0; i < remaining.Count; i++)
        {
            var chunk = remaining[i];
            if (chunk.SentAt > firstAck)
            {
                break; // sorted by send time: every later chunk was sent after some remaining chunk was acknowledged
            }

            var next = remaining.Count == 1 ? sheet : SheetCopy.Of(sheet);
            if (!Matches(model, next, chunk, ref budget))
            {
                if (budget <= 0)
                {
                    return null;
                }

                if (remaining.Count == 1)
                {
                    return null;
                }

                continue;
            }

            remaining.RemoveAt(i);
            if (Search(model, next, remaining, ref budget) is { } done)
            {
                return done;
            }

            remaining.Insert(i, chunk);
            if (budget <= 0)
            {
                return null;
            }
        }

        return null;
    }

    private static bool Matches(ScoringModel model, ScoreSheet sheet, AckedChunk chunk, ref int budget)
    {
        for (var j = 0; j < chunk.Signals.Length; j++)
        {
            budget--;
            var effect = ScoringEngine.Apply(model, sheet, chunk.Signals[j]);
            if (!effect.ScoreAfter.Equals(chunk.Scores[j]) || (chunk.Bands[j] is { } band && band != effect.BandAfter))
            {
                return false;
            }
        }

        return true;
    }
}
