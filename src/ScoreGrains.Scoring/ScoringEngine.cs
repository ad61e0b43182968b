namespace ScoreGrains.Scoring;

/// <summary>
/// The pure fold: validate a signal, apply it to a sheet, explain a sheet. No wall clock, no I/O, no libm:
/// the same model and the same signals in the same order give the same bits on every machine.
/// </summary>
public static class ScoringEngine
{
    /// <summary>How far occurredAt may lie after the caller's now (producer clock skew).</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>Longest accepted signal id.</summary>
    public const int MaxSignalIdLength = 200;

    /// <summary>The first character of the journal's own entries' ids and types (retractions, expiries); producers may not use it.</summary>
    public const char ReservedPrefix = '$';

    private static readonly long EpochTicks = DateTimeOffset.UnixEpoch.UtcTicks;

    /// <summary>Checks a signal against the model; null means it may be applied. Allocates only when rejecting.</summary>
    public static SignalRejection? Validate(ScoringModel model, in ScoringSignal signal, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (string.IsNullOrWhiteSpace(signal.SignalId))
        {
            return new("signalId", SignalRejectionCodes.Required, "signalId is required.");
        }

        if (signal.SignalId.Length > MaxSignalIdLength)
        {
            return new("signalId", SignalRejectionCodes.TooLong, $"signalId has {signal.SignalId.Length} characters; at most {MaxSignalIdLength} are allowed.");
        }

        if (signal.SignalId[0] == ReservedPrefix)
        {
            return new("signalId", SignalRejectionCodes.Reserved, $"signalId must not start with '{ReservedPrefix}': the journal keeps that for its own entries.");
        }

        if (string.IsNullOrEmpty(signal.Type))
        {
            return new("type", SignalRejectionCodes.Required, "type is required.");
        }

        if (!model.TryGetRule(signal.Type, out var rule))
        {
            return new("type", SignalRejectionCodes.UnknownType, $"Signal type \"{Shorten(signal.Type)}\" is not scored by model {model.Version}.");
        }

        return ValidateValue(rule, signal.Value) ?? ValidateTime(signal.OccurredAt, now);
    }

    /// <summary>
    /// Folds one signal into the sheet (assumes <see cref="Validate"/> passed). Moves the event clock to occurredAt
    /// if later (decaying and expiring), adds the rule's points to its dimension (a late signal already decayed by
    /// its age; an adverse one whose retention has passed adds nothing), then recomputes score and band.
    /// Allocation-free once the sheet's lists exist.
    /// </summary>
    public static SignalEffect Apply(ScoringModel model, ScoreSheet sheet, in ScoringSignal signal)
    {
        EnsureMatches(model, sheet);
        if (!model.TryGetRule(signal.Type, out var rule) || ValidateValue(rule, signal.Value) is not null)
        {
            throw new ArgumentException($"Signal {signal.SignalId} was not validated against model {model.Version}; call Validate first.", nameof(signal));
        }

        var scoreBefore = sheet.Score;
        var bandBefore = sheet.Band;
        var occurred = signal.OccurredAt.UtcTicks;
        SheetFold.AdvanceTo(model, sheet, occurred);

        var dimension = model.Dimensions[rule.DimensionIndex];
        var points = rule.PointsFor(signal.Value, dimension.Cap);
        var expiresAt = points < 0 && dimension.NegativeExpiryTicks > 0 ? occurred + dimension.NegativeExpiryTicks : 0;
        if (expiresAt != 0 && expiresAt <= sheet.ClockTicks)
        {
            points = 0; // its retention already ran out in event time
        }

        points = SheetFold.Snap(points * HalfLife.Factor(sheet.ClockTicks - occurred, dimension.HalfLifeTicks));
        if (points != 0)
        {
            sheet.Points[dimension.Index] = SheetFold.Snap(sheet.Points[dimension.Index] + points);
            if (expiresAt != 0)
            {
                SheetFold.AddNegative(sheet, new NegativeRecord(dimension.Index, expiresAt, points));
            }

            SheetFold.AddImpact(sheet, new ImpactRecord(signal.SignalId, rule.Type, dimension.Index, dimension.Weight * points, expiresAt));
        }

        sheet.SignalCount++;
        return Settle(model, sheet, scoreBefore, bandBefore);
    }

    /// <summary>
    /// Moves the event clock to <paramref name="to"/> without a signal: the decay and expiry ("credit repair") a sheet
    /// would show at that time. Earlier times are ignored (the clock never runs backwards). A subject's stored clock moves
    /// only with its signals, so replaying the journal reproduces every score; the silo calls this for views on a copy
    /// of the sheet: a read moves it to <see cref="LatestDueExpiry"/>.
    /// </summary>
    public static SignalEffect AdvanceClock(ScoringModel model, ScoreSheet sheet, DateTimeOffset to)
    {
        EnsureMatches(model, sheet);
        var scoreBefore = sheet.Score;
        var bandBefore = sheet.Band;
        SheetFold.AdvanceTo(model, sheet, to.UtcTicks);
        return Settle(model, sheet, scoreBefore, bandBefore);
    }

    /// <summary>
    /// The time of the latest adverse record that has expired by <paramref name="now"/> but still counts on the sheet
    /// (its clock moves only with signals); null when none has. Advancing the clock to it is the sheet as the law reads
    /// it at <paramref name="now"/>: every obsolete record gone, and nothing else moved by the wall clock, so the answer
    /// is the same for every read until the next record expires.
    /// </summary>
    public static DateTimeOffset? LatestDueExpiry(ScoreSheet sheet, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(sheet);
        var nowTicks = now.UtcTicks;
        var latest = 0L;
        foreach (var record in sheet.Negatives ?? [])
        {
            if (record.ExpiresAtTicks > sheet.ClockTicks && record.ExpiresAtTicks <= nowTicks && record.ExpiresAtTicks > latest)
            {
                latest = record.ExpiresAtTicks;
            }
        }

        return latest == 0 ? null : new DateTimeOffset(latest, TimeSpan.Zero);
    }

    /// <summary>The score with per-dimension contributions and up to <paramref name="topReasons"/> key signals by |impact|.</summary>
    public static ScoreExplanation Explain(ScoringModel model, ScoreSheet sheet, int topReasons = 4)
    {
        EnsureMatches(model, sheet);
        ArgumentOutOfRangeException.ThrowIfNegative(topReasons);
        var dimensions = model.Dimensions
            .Select(d => new DimensionScore(d.Name, sheet.Points[d.Index], d.Cap, d.Weight, SheetFold.Contribution(d, sheet.Points[d.Index])))
            .ToList();
        var reasons = (sheet.Impacts ?? [])
            .OrderByDescending(i => Math.Abs(i.Impact)) // stable: equal impacts keep the older signal first
            .Take(topReasons)
            .Select(i => ToReason(model, i))
            .ToList();
        return new ScoreExplanation(sheet.Score, sheet.Band, sheet.ModelVersion, sheet.SignalCount, dimensions, reasons);
    }

    private static SignalEffect Settle(ScoringModel model, ScoreSheet sheet, double scoreBefore, string bandBefore)
    {
        sheet.Score = SheetFold.ScoreOf(model, sheet);
        sheet.Band = model.NextBand(sheet.Band, sheet.Score);
        return new SignalEffect(scoreBefore, sheet.Score, bandBefore, sheet.Band);
    }

    private static ReasonCode ToReason(ScoringModel model, ImpactRecord impact) =>
        model.TryGetRule(impact.Type, out var rule)
            ? new ReasonCode(rule.ReasonCode, rule.Description, impact.Impact, impact.SignalId, rule.Type)
            : new ReasonCode("R-" + impact.Type, impact.Type, impact.Impact, impact.SignalId, impact.Type);

    private static SignalRejection? ValidateValue(SignalRule rule, double? value)
    {
        if (value is not { } v)
        {
            return rule.ValueRequired ? new("value", SignalRejectionCodes.Required, $"{rule.Type} needs a value.") : null;
        }

        if (!double.IsFinite(v))
        {
            return new("value", SignalRejectionCodes.NotFinite, "value must be a finite number.");
        }

        return v < rule.ValueMin || v > rule.ValueMax
            ? new("value", SignalRejectionCodes.OutOfRange, $"value {v} is outside [{rule.ValueMin}, {rule.ValueMax}] for {rule.Type}.")
            : null;
    }

    private static SignalRejection? ValidateTime(DateTimeOffset occurredAt, DateTimeOffset now)
    {
        if (occurredAt.UtcTicks < EpochTicks)
        {
            return new("occurredAt", SignalRejectionCodes.BeforeEpoch, "occurredAt must not be before 1970-01-01T00:00:00Z.");
        }

        return occurredAt - now > MaxClockSkew
            ? new("occurredAt", SignalRejectionCodes.InFuture, $"occurredAt {occurredAt:O} is more than {MaxClockSkew.TotalMinutes} minutes in the future.")
            : null;
    }

    private static void EnsureMatches(ScoringModel model, ScoreSheet sheet)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(sheet);
        if (!string.Equals(model.Version, sheet.ModelVersion, StringComparison.Ordinal) || sheet.Points.Length != model.Dimensions.Count)
        {
            throw new InvalidOperationException($"The sheet was folded with model \"{sheet.ModelVersion}\", not {model.Version}: start a sheet and replay the journal.");
        }
    }

    private static string Shorten(string text) => text.Length <= 64 ? text : string.Concat(text.AsSpan(0, 64), "…");
}
