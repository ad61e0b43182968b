namespace ScoreGrains.LoadTest.Generation;

/// <summary>Chooses the subject of the next signal; thread-safe given one <see cref="Random"/> per caller.</summary>
public interface ISubjectPicker
{
    long Next(Random random);
}
