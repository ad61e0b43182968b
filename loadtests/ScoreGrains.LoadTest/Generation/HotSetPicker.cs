namespace ScoreGrains.LoadTest.Generation;

/// <summary>A hot fraction of the subjects gets <c>hotShare</c> of the signals; the rest are spread uniformly.</summary>
public sealed class HotSetPicker : ISubjectPicker
{
    private readonly long _count;
    private readonly long _hot;
    private readonly double _hotShare;

    public HotSetPicker(long count, double hotFraction, double hotShare)
    {
        _count = count;
        _hot = Math.Clamp((long)Math.Ceiling(count * hotFraction), 1, count);
        _hotShare = hotShare;
    }

    public long Next(Random random)
    {
        var rank = random.NextDouble() < _hotShare || _hot == _count
            ? random.NextInt64(_hot)
            : _hot + random.NextInt64(_count - _hot);
        return RankScatter.ToIndex(rank, _count);
    }
}
