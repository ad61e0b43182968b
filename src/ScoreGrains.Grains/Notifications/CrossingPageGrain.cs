using Npgsql;
using Orleans.Concurrency;
using ScoreGrains.Contracts;
using ScoreGrains.Postgres.Crossings;

namespace ScoreGrains.Grains.Notifications;

/// <summary>Pages the durable crossing feed for .NET subscribers; stateless, one per core, close to the caller.</summary>
[StatelessWorker]
[Reentrant]
internal sealed class CrossingPageGrain(CrossingFeedReader reader) : Grain, ICrossingPageGrain
{
    public async Task<CrossingPage> ReadAsync(long after, int limit, CrossingFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        IReadOnlyList<FeedRow> records;
        try
        {
            records = await reader.ReadAsync(filter.ToQuery(after, Math.Clamp(limit, 1, ICrossingPageGrain.MaxLimit)), CancellationToken.None);
        }
        catch (NpgsqlException exception) when (exception.IsTransient)
        {
            throw FeedUnavailableException.ForDatabaseError(exception);
        }

        var crossings = records.Select(r => r.ToCrossing()).ToList();
        return new CrossingPage(crossings, crossings.Count > 0 ? crossings[^1].Sequence : after);
    }
}
