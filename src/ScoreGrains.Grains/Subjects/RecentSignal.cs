namespace ScoreGrains.Grains.Subjects;

/// <summary>A remembered signal id and when the signal occurred (UTC ticks).</summary>
public readonly record struct RecentSignal(string SignalId, long OccurredTicks);
