namespace ScoreGrains.LoadTest.Generation;

public sealed class UniformPicker(long count) : ISubjectPicker
{
    public long Next(Random random) => random.NextInt64(count);
}
