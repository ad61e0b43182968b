namespace ScoreGrains.LoadTest.Checking;

/// <summary>
/// The check's verdict. <see cref="Mismatches"/> must be zero: a subject whose score, band or signal count read
/// back differs from the independent fold, or whose reported per-signal scores no order of its batches reproduces.
/// </summary>
public sealed record CheckResult(
    long Subjects,
    long Signals,
    long Checked,
    long SkippedUncertain,
    long Mismatches,
    long UnexpectedOutcomes,
    double Seconds,
    IReadOnlyList<string> Examples)
{
    public bool Passed => Mismatches == 0 && UnexpectedOutcomes == 0;
}
