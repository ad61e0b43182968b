using Microsoft.Extensions.Options;
using ScoreGrains.Grains.Hosting;

namespace ScoreGrains.Grains.Subjects;

/// <summary>
/// Once a subject's snapshot fails, the silo's subjects take none for a while
/// (<see cref="ScoreGrainsOptions.SnapshotPauseAfterFailure"/>). A snapshot only shortens replay (the journal holds every
/// acknowledged signal), and when one fails the database is most often down for every subject: without the pause each
/// subject tried and logged its own failure, and a silo stopping while PostgreSQL was down spent its stop timeout on
/// deactivation snapshots that failed one by one.
/// </summary>
/// <remarks>One per silo. The first snapshot after the pause is the probe: it resumes them all or pauses them again.</remarks>
internal sealed class SnapshotPause(TimeProvider time, IOptions<ScoreGrainsOptions> options)
{
    private readonly long _length = (long)(options.Value.SnapshotPauseAfterFailure.TotalSeconds * time.TimestampFrequency);

    // TimeProvider timestamp until which snapshots are skipped; 0 (the past) while none failed.
    private long _until;

    public TimeSpan Length => options.Value.SnapshotPauseAfterFailure;

    /// <summary>True while a snapshot failed less than <see cref="Length"/> ago.</summary>
    public bool IsPaused => time.GetTimestamp() < Volatile.Read(ref _until);

    /// <summary>A snapshot failed: pause them all.</summary>
    public void Failed() => Volatile.Write(ref _until, time.GetTimestamp() + _length);
}
