namespace ScoreGrains.LoadTest.Generation;

/// <summary>
/// Every subject equally likely, independently for each signal: spread traffic (a registry's nightly run), where nearly
/// every signal of a batch of 500 over a million subjects goes to a different subject.
/// </summary>
public sealed class UniformPicker(long count) : ISubjectPicker
{
    public long Next(Random random) => random.NextInt64(count);
}
