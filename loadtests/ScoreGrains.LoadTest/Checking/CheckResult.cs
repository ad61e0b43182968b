namespace ScoreGrains.LoadTest.Checking;

/// <summary>
/// The check's verdict. <see cref="Mismatches"/> must be zero: a subject whose score, band or signal count read
/// back differs from the independent fold, or whose reported per-signal scores no order of its batches reproduces.
/// <see cref="WithinRounding"/> subjects matched, but only within floating-point rounding: their score sat at a bound
/// long enough that the exact order of concurrent batches could not be recovered (see HistoryReplay).
/// </summary>
public sealed record CheckResult(
    long Subjects,
    long Signals,
    long Checked,
    long WithinRounding,
    long SkippedUncertain,
    long Mismatches,
    long UnexpectedOutcomes,
    double Seconds,
    IReadOnlyList<string> Examples)
{
    public bool Passed => Mismatches == 0 && UnexpectedOutcomes == 0;
}
