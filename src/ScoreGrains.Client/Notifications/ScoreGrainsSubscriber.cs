using ScoreGrains.Contracts;

namespace ScoreGrains.Client.Notifications;

/// <summary>
/// Follows crossings and scores from .NET through Orleans grain observers.
/// <para>Why observers and not Orleans streams: a kind's crossings fan out from one feed grain per kind to a
/// handful of subscribers, and a subject's changes from its own grain to its few watchers. Observers with
/// <c>ObserverManager</c> leases do exactly that with no extra provider, no pub/sub state in storage and no
/// stream per subject (millions of subjects would mean millions of streams). Durability and replay, which
/// streams would add, already come from the crossings table: a dropped subscriber catches up from it.</para>
/// </summary>
public sealed class ScoreGrainsSubscriber(IClusterClient cluster)
{
    /// <summary>
    /// Every crossing of <paramref name="kind"/>, optionally only into <paramref name="intoBands"/>. With
    /// <paramref name="after"/>, first delivers the durable feed's crossings after that sequence (e.g. the last one
    /// a previous run saw), then continues live without gap or repeat.
    /// </summary>
    public async Task<CrossingSubscription> SubscribeAsync(
        string kind, IReadOnlyList<string>? intoBands = null, long? after = null, int capacity = 10_000)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        var subscription = new CrossingSubscription(cluster, new CrossingFilter(kind.ToLowerInvariant(), null, intoBands), capacity);
        await subscription.StartAsync(after).ConfigureAwait(false);
        return subscription;
    }

    /// <summary>Crossings of the given subjects and, with <paramref name="scoreChanges"/>, every change of their scores.</summary>
    public async Task<SubjectWatch> WatchAsync(
        IReadOnlyList<(string Kind, string Id)> subjects, bool scoreChanges = false, int capacity = 10_000)
    {
        ArgumentNullException.ThrowIfNull(subjects);
        var keys = subjects.Select(s => SubjectKey.Format(s.Kind.ToLowerInvariant(), s.Id)).Distinct(StringComparer.Ordinal).ToList();
        var watch = new SubjectWatch(cluster, keys, scoreChanges, capacity);
        await watch.StartAsync().ConfigureAwait(false);
        return watch;
    }

    /// <summary>A page of the durable feed: up to <paramref name="limit"/> crossings after <paramref name="after"/>.</summary>
    /// <exception cref="FeedUnavailableException">The feed's database cannot be reached now; retry shortly.</exception>
    public Task<CrossingPage> ReadAsync(long after, int limit = 1_000, CrossingFilter? filter = null) =>
        cluster.GetGrain<ICrossingPageGrain>(0).ReadAsync(after, limit, filter ?? CrossingFilter.All);
}
