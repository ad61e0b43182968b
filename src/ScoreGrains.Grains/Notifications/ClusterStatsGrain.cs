using ScoreGrains.Contracts;

namespace ScoreGrains.Grains.Notifications;

/// <summary>Keeps each silo's latest figures (sent every second) and sums those that are recent.</summary>
internal sealed class ClusterStatsGrain(TimeProvider time) : Grain, IClusterStatsGrain
{
    private static readonly TimeSpan Stale = TimeSpan.FromSeconds(5);
    private readonly Dictionary<string, (DateTimeOffset At, IReadOnlyList<KindStats> Kinds)> _silos = new(StringComparer.Ordinal);

    public Task ReportAsync(string silo, IReadOnlyList<KindStats> kinds)
    {
        _silos[silo] = (time.GetUtcNow(), kinds);
        return Task.CompletedTask;
    }

    public Task<ClusterStats> GetAsync()
    {
        var now = time.GetUtcNow();
        foreach (var stale in _silos.Where(s => now - s.Value.At > Stale).Select(s => s.Key).ToList())
        {
            _silos.Remove(stale);
        }

        var kinds = _silos.Values
            .SelectMany(s => s.Kinds)
            .GroupBy(k => k.Kind, StringComparer.Ordinal)
            .Select(Sum)
            .ToList();
        return Task.FromResult(new ClusterStats(now, _silos.Count, kinds));
    }

    private static KindStats Sum(IGrouping<string, KindStats> kind) => new(
        kind.Key,
        kind.Sum(k => k.SignalsPerSecond),
        kind.Sum(k => k.CrossingsPerSecond),
        kind.Sum(k => k.Signals),
        kind.Sum(k => k.Crossings),
        [.. kind.SelectMany(k => k.Bands)
            .GroupBy(b => b.Band, StringComparer.Ordinal)
            .Select(b => new BandCount(b.Key, b.Sum(x => x.Subjects)))]);
}
