namespace ScoreGrains.LoadTest.Generation;

/// <summary>0, 1, 2, ... across all producers: with a count equal to the space, every subject gets exactly one signal.</summary>
public sealed class SequentialPicker(long count) : ISubjectPicker
{
    private long _next = -1;

    public long Next(Random random) => (Interlocked.Increment(ref _next) & long.MaxValue) % count;
}
