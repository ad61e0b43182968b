using System.Runtime.InteropServices;

namespace ScoreGrains.Scoring;

/// <summary>The in-place steps of the fold. Every loop runs in a fixed order, so results are deterministic.</summary>
internal static class SheetFold
{
    /// <summary>
    /// Values this small are set to zero: it stops subnormals (slow on x86) and leaves no rounding dust
    /// after a negative record is subtracted at expiry.
    /// </summary>
    private const double Dust = 1e-9;

    /// <summary>Impacts smaller than this no longer count as a reason.</summary>
    private const double MinReasonImpact = 0.005;

    public static double Snap(double value) => Math.Abs(value) < Dust ? 0.0 : value;

    /// <summary>Moves the event-time clock forward: decays every dimension and record, then drops expired ones.</summary>
    public static void AdvanceTo(ScoringModel model, ScoreSheet sheet, long ticks)
    {
        var elapsed = ticks - sheet.ClockTicks;
        if (elapsed <= 0)
        {
            return;
        }

        var dimensions = model.Dimensions;
        Span<double> factors = stackalloc double[dimensions.Count];
        var first = sheet.ClockTicks == 0; // nothing folded yet, so nothing to decay
        for (var d = 0; d < factors.Length; d++)
        {
            factors[d] = first ? 1.0 : HalfLife.Factor(elapsed, dimensions[d].HalfLifeTicks);
            sheet.Points[d] = Snap(sheet.Points[d] * factors[d]);
        }

        sheet.ClockTicks = ticks;
        ExpireNegatives(sheet, factors, ticks);
        DecayImpacts(sheet, factors, ticks);
    }

    /// <summary>Holds an adverse record for later expiry; when full, merges the closest pair in one dimension.</summary>
    public static void AddNegative(ScoreSheet sheet, in NegativeRecord record)
    {
        var list = sheet.Negatives ??= new List<NegativeRecord>(1);
        if (list.Count < ScoreSheet.MaxNegativeRecords)
        {
            list.Add(record);
            return;
        }

        // Full: the held records plus the new one (index n) number 33 across at most 16 dimensions, so some
        // dimension holds two. Merge the pair whose expiries are closest and keep the later expiry: retention
        // is never shortened, only stretched a little. Merging in place keeps the list at its bound.
        var span = CollectionsMarshal.AsSpan(list);
        var n = span.Length;
        int keep = -1, drop = -1;
        var gap = long.MaxValue;
        for (var i = 0; i < n; i++)
        {
            for (var j = i + 1; j <= n; j++)
            {
                var other = j < n ? span[j] : record;
                var g = Math.Abs(span[i].ExpiresAtTicks - other.ExpiresAtTicks);
                if (span[i].Dimension == other.Dimension && g < gap)
                {
                    (keep, drop, gap) = (i, j, g);
                }
            }
        }

        var dropped = drop < n ? span[drop] : record;
        ref var kept = ref span[keep];
        kept.Points += dropped.Points;
        kept.ExpiresAtTicks = Math.Max(kept.ExpiresAtTicks, dropped.ExpiresAtTicks);
        if (drop < n)
        {
            span[drop] = record; // the freed slot takes the new record
        }
    }

    /// <summary>Keeps the <see cref="ScoreSheet.MaxImpacts"/> largest |impact| signals; ties keep the older one.</summary>
    public static void AddImpact(ScoreSheet sheet, in ImpactRecord impact)
    {
        if (Math.Abs(impact.Impact) < MinReasonImpact)
        {
            return;
        }

        var list = sheet.Impacts ??= new List<ImpactRecord>(1);
        if (list.Count < ScoreSheet.MaxImpacts)
        {
            list.Add(impact);
            return;
        }

        var span = CollectionsMarshal.AsSpan(list);
        var smallest = 0;
        for (var i = 1; i < span.Length; i++)
        {
            if (Math.Abs(span[i].Impact) < Math.Abs(span[smallest].Impact))
            {
                smallest = i;
            }
        }

        if (Math.Abs(impact.Impact) > Math.Abs(span[smallest].Impact))
        {
            span[smallest] = impact;
        }
    }

    /// <summary>Score = clamp(start + Σ weight·clamp(points, ±cap), min, max), summed in dimension order.</summary>
    public static double ScoreOf(ScoringModel model, ScoreSheet sheet)
    {
        var score = model.StartScore;
        var dimensions = model.Dimensions;
        for (var d = 0; d < dimensions.Count; d++)
        {
            score += Contribution(dimensions[d], sheet.Points[d]);
        }

        return Math.Clamp(score, model.MinScore, model.MaxScore);
    }

    public static double Contribution(DimensionModel dimension, double points) =>
        dimension.Weight * Math.Clamp(points, -dimension.Cap, dimension.Cap);

    private static void ExpireNegatives(ScoreSheet sheet, ReadOnlySpan<double> factors, long now)
    {
        if (sheet.Negatives is not { } list)
        {
            return;
        }

        var span = CollectionsMarshal.AsSpan(list);
        var kept = 0;
        for (var i = 0; i < span.Length; i++)
        {
            var record = span[i];
            record.Points = Snap(record.Points * factors[record.Dimension]);
            if (record.ExpiresAtTicks <= now)
            {
                sheet.Points[record.Dimension] = Snap(sheet.Points[record.Dimension] - record.Points);
                continue;
            }

            span[kept++] = record;
        }

        list.RemoveRange(kept, span.Length - kept);
    }

    private static void DecayImpacts(ScoreSheet sheet, ReadOnlySpan<double> factors, long now)
    {
        if (sheet.Impacts is not { } list)
        {
            return;
        }

        var span = CollectionsMarshal.AsSpan(list);
        var kept = 0;
        for (var i = 0; i < span.Length; i++)
        {
            var impact = span[i];
            impact.Impact *= factors[impact.Dimension];
            var expired = impact.ExpiresAtTicks != 0 && impact.ExpiresAtTicks <= now;
            if (!expired && Math.Abs(impact.Impact) >= MinReasonImpact)
            {
                span[kept++] = impact;
            }
        }

        list.RemoveRange(kept, span.Length - kept);
    }
}
