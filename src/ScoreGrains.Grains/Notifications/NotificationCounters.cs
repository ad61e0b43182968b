using ScoreGrains.Scoring;

namespace ScoreGrains.Grains.Notifications;

/// <summary>This silo's running totals per subject kind: signals applied and crossings published.</summary>
public sealed class NotificationCounters
{
    private readonly long[] _signals = new long[SubjectKinds.All.Count];
    private readonly long[] _crossings = new long[SubjectKinds.All.Count];

    public void AddSignals(string kind, int count)
    {
        if (count > 0 && SubjectKinds.TryParse(kind, out var k))
        {
            Interlocked.Add(ref _signals[(int)k], count);
        }
    }

    public void AddCrossing(string kind)
    {
        if (SubjectKinds.TryParse(kind, out var k))
        {
            Interlocked.Increment(ref _crossings[(int)k]);
        }
    }

    public long Signals(SubjectKind kind) => Interlocked.Read(ref _signals[(int)kind]);

    public long Crossings(SubjectKind kind) => Interlocked.Read(ref _crossings[(int)kind]);
}
