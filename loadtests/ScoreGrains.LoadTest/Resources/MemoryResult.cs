namespace ScoreGrains.LoadTest.Resources;

/// <summary>
/// Managed heap after a forced full GC, before and after the load activated <see cref="ActiveSubjects"/> subjects,
/// and the same for as many empty grain activations afterwards (the yardstick). The generator's own memory
/// (subject bitmap, histograms) is allocated before the first figure, so the difference is the silo's.
/// </summary>
public sealed record MemoryResult(
    long ActiveSubjects,
    long HeapBeforeBytes,
    long HeapAfterSubjectsBytes,
    double BytesPerSubject,
    long EmptyActivations,
    long HeapAfterEmptyBytes,
    double BytesPerEmptyActivation,
    double EmptyActivationsPerSecond,
    double WorkingSetBeforeMb,
    double WorkingSetAfterMb)
{
    public double RatioToEmptyActivation => BytesPerEmptyActivation > 0 ? BytesPerSubject / BytesPerEmptyActivation : 0;
}
