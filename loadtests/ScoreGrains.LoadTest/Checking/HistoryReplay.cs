using ScoreGrains.Scoring;

namespace ScoreGrains.LoadTest.Checking;

/// <summary>
/// Folds a subject's acknowledged chunks with the pure engine, independently of the cluster. Chunks that were in
/// flight at the same time may have been applied in either order: a chunk can come next only if no other remaining
/// chunk was already acknowledged before it was sent, and among those the search takes the one whose folded
/// scores match what each of its outcomes reported, backing out when a later chunk then fails to match.
/// <para>
/// Where the score sits at the model's bound (or a dimension at its cap) every order matches for a while, and the
/// orders differ only in the last bits of the raw points; when the exact search runs out of budget there, the
/// fold is accepted if it matches every reported score within <see cref="Rounding"/> (reported as such).
/// </para>
/// Failed chunks are left out; with <c>failedMayApply</c> each may also have been applied (the diagnosis of a
/// "failed" outcome whose signals were counted after all).
/// </summary>
internal static class HistoryReplay
{
    /// <summary>Score points two orders of the same signals may differ by (floating-point rounding of decay).</summary>
    public const double Rounding = 1e-9;

    private const int MaxApplies = 200_000;

    /// <summary>The folded sheet and how it matched, or a null sheet when no order reproduces the reported scores.</summary>
    public static (ScoreSheet? Sheet, bool Exact) Fold(ScoringModel model, IReadOnlyList<AckedChunk> chunks, bool failedMayApply)
    {
        var remaining = chunks.Where(c => failedMayApply || !c.Failed).OrderBy(c => c.SentAt).ToList();
        var budget = MaxApplies;
        if (Search(model, ScoreSheet.Start(model), remaining, 0, ref budget) is { } exact)
        {
            return (exact, true);
        }

        budget = MaxApplies;
        return (Search(model, ScoreSheet.Start(model), remaining, Rounding, ref budget), false);
    }

    private static ScoreSheet? Search(ScoringModel model, ScoreSheet sheet, List<AckedChunk> remaining, double tolerance, ref int budget)
    {
        if (remaining.Count == 0)
        {
            return sheet;
        }

        var firstAck = remaining.Min(c => c.AckedAt);
        for (var i = 0; i < remaining.Count && budget > 0; i++)
        {
            var chunk = remaining[i];
            if (chunk.SentAt > firstAck)
            {
                break; // sorted by send time: every later chunk was sent after some remaining chunk was acknowledged
            }

            remaining.RemoveAt(i);
            if (chunk.Failed && Search(model, SheetCopy.Of(sheet), remaining, tolerance, ref budget) is { } skipped)
            {
                return skipped;
            }

            var next = SheetCopy.Of(sheet);
            if (Matches(model, next, chunk, tolerance, ref budget) && Search(model, next, remaining, tolerance, ref budget) is { } done)
            {
                return done;
            }

            remaining.Insert(i, chunk);
        }

        return null;
    }

    private static bool Matches(ScoringModel model, ScoreSheet sheet, AckedChunk chunk, double tolerance, ref int budget)
    {
        for (var j = 0; j < chunk.Signals.Length; j++)
        {
            budget--;
            var effect = ScoringEngine.Apply(model, sheet, chunk.Signals[j]);
            if (chunk.Failed)
            {
                continue;
            }

            var scoreMatches = tolerance == 0 ? effect.ScoreAfter.Equals(chunk.Scores[j]) : Math.Abs(effect.ScoreAfter - chunk.Scores[j]) <= tolerance;
            if (!scoreMatches || (chunk.Bands[j] is { } band && band != effect.BandAfter))
            {
                return false;
            }
        }

        return true;
    }
}
