using ScoreGrains.Contracts;

namespace ScoreGrains.Grains.Notifications;

/// <summary>
/// Where a subject grain hands its committed crossings for fan-out to kind-wide subscribers and dashboards.
/// A per-silo singleton; <see cref="Publish"/> must return at once and never throw: ingestion never waits
/// for subscribers.
/// </summary>
public interface ICrossingSink
{
    void Publish(Crossing crossing);
}
