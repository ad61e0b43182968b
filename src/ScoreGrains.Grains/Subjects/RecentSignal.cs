namespace ScoreGrains.Grains.Subjects;

/// <summary>
/// A remembered signal id and when the signal occurred (UTC ticks): how snapshots stored the id ring before it
/// kept hashes (<see cref="SignalIdWindow.Recent"/>), read when such a snapshot loads.
/// </summary>
public readonly record struct RecentSignal(string SignalId, long OccurredTicks);
