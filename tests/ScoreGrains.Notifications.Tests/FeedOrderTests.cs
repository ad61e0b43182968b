using System.Threading.Channels;
using Npgsql;
using ScoreGrains.Client.Notifications;
using ScoreGrains.Contracts;
using ScoreGrains.Notifications.Tests.Infrastructure;
using ScoreGrains.Tests.Infrastructure;

namespace ScoreGrains.Notifications.Tests;

/// <summary>
/// A kind subscription is a gap-free, strictly increasing run of the durable feed, whatever order silos publish
/// crossings in, even for crossings committed but never published (a commit whose outcome its writer never learned),
/// across drops, and from where it started: a "from now" subscriber never gets older crossings.
/// </summary>
[Collection(NotificationsCollection.Name)]
public sealed class FeedOrderTests(NotificationsFixture fixture)
{
    private NotificationsHost Host => fixture.Host;

    [Fact]
    public async Task CrossingsArriveInSequenceOrderWithNoneMissingWhateverOrderTheyArePublishedIn()
    {
        await using var subscription = await Host.Subscriber.SubscribeAsync("citizen");
        var rows = await InsertAsync(10);

        // Out of order, and a third never published at all: in the table, but their writer was told "failed".
        foreach (var crossing in rows.Where((_, i) => i % 3 != 0).Reverse())
        {
            Host.Sink.Publish(crossing);
        }

        var seen = await ReadOursAsync(subscription, rows, "every inserted crossing, in order");
        Assert.Equal(rows.Select(r => r.Sequence), seen.Select(c => c.Sequence));
        Assert.Equal(0, subscription.Resumes);
    }

    [Fact]
    public async Task ADroppedSubscriberResumesWithExactlyTheMissedCrossingsInOrder()
    {
        await using var host = await fixture.StartHostAsync(NotificationsFixture.NewServiceId(), "--ScoreGrains:Notifications:SubscriberQueueLimit=2");
        await using var fast = await host.Subscriber.SubscribeAsync("citizen");
        await using var slow = await host.Subscriber.SubscribeAsync("citizen", capacity: 1);
        var resumed = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        slow.Resumed += after => resumed.TrySetResult(after);

        // Pairs committed one after another, each published highest first. The fast subscriber takes each pair
        // before the next commits; the slow one reads nothing, so its queue at the feed overflows and it is dropped.
        var rows = new List<Crossing>();
        var fastSeen = new List<Crossing>();
        for (var i = 0; i < 8; i++)
        {
            var pair = await InsertAsync(2);
            rows.AddRange(pair);
            host.Sink.Publish(pair[1]);
            host.Sink.Publish(pair[0]);
            fastSeen.AddRange(await ReadOursAsync(fast, pair, $"pair {i} at the fast subscriber", fastSeen.LastOrDefault()?.Sequence ?? 0));
        }

        var slowSeen = await ReadOursAsync(slow, rows, "every crossing at the slow subscriber, after its catch-up");
        await Within.Await(resumed.Task, "the slow subscriber to be dropped and to catch up from the durable feed");

        Assert.Equal(rows.Select(r => r.Sequence), fastSeen.Select(c => c.Sequence));
        Assert.Equal(rows.Select(r => r.Sequence), slowSeen.Select(c => c.Sequence));
        Assert.Equal(0, fast.Resumes);

        // A new subscription resuming after the tenth gets exactly the rest.
        await using var later = await host.Subscriber.SubscribeAsync("citizen", after: rows[9].Sequence);
        var rest = await ReadOursAsync(later, rows.Skip(10).ToList(), "the crossings after the tenth");
        Assert.Equal(rows.Skip(10).Select(r => r.Sequence), rest.Select(c => c.Sequence));
    }

    [Fact]
    public async Task AFromNowSubscriberNeverReceivesOlderCrossings()
    {
        var older = await InsertAsync(3);
        foreach (var crossing in older)
        {
            Host.Sink.Publish(crossing);
        }

        await using var subscription = await Host.Subscriber.SubscribeAsync("citizen");

        // Its position is the feed's end when it subscribed, not 0: a catch-up (after a drop, or a feed that forgot
        // it) reads from there, never from the beginning.
        Assert.True(subscription.LastSequence >= older[^1].Sequence, $"it starts at {subscription.LastSequence}, before {older[^1].Sequence}");
        var newer = await InsertAsync(3);
        foreach (var crossing in newer)
        {
            Host.Sink.Publish(crossing);
        }

        var seen = await ReadOursAsync(subscription, newer, "the crossings committed after subscribing");
        Assert.Equal(newer.Select(r => r.Sequence), seen.Select(c => c.Sequence));
    }

    /// <summary>Commits <paramref name="count"/> crossings of new citizens straight into the table, one transaction each.</summary>
    private async Task<List<Crossing>> InsertAsync(int count)
    {
        await using var connection = new NpgsqlConnection(fixture.Database.ConnectionString);
        await connection.OpenAsync();
        var rows = new List<Crossing>();
        for (var i = 0; i < count; i++)
        {
            var id = Signals.NewId();
            var now = DateTimeOffset.UtcNow;
            await using var insert = new NpgsqlCommand(
                """
                INSERT INTO crossings (subject_key, subject_kind, journal_seq, signal_id, signal_type, old_score, new_score,
                                       old_band, new_band, model_version, reasons, occurred_at, recorded_at)
                VALUES (@key, 'citizen', 1, @signal, 'loan.defaulted', 600, 537, 'fair', 'low', 'test', '[]'::jsonb, @at, @at)
                RETURNING sequence
                """,
                connection);
            insert.Parameters.AddWithValue("key", SubjectKey.Format("citizen", id));
            insert.Parameters.AddWithValue("signal", "sig-" + id);
            insert.Parameters.AddWithValue("at", now);
            var sequence = (long)(await insert.ExecuteScalarAsync())!;
            rows.Add(new Crossing(sequence, "citizen", id, 600, 537, "fair", "low", "test", "sig-" + id, "loan.defaulted", [], now, now));
        }

        return rows;
    }

    /// <summary>Reads until every one of <paramref name="expected"/> arrived; every crossing read must come after the one before.</summary>
    private static async Task<List<Crossing>> ReadOursAsync(CrossingSubscription subscription, List<Crossing> expected, string what, long after = 0)
    {
        var wanted = expected.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        var seen = new List<Crossing>();
        var previous = after;
        ChannelReader<Crossing> reader = subscription.Crossings;
        while (seen.Count < expected.Count)
        {
            var crossing = await Within.Await(reader.ReadAsync(), $"{what} ({seen.Count} of {expected.Count} so far)");
            Assert.True(crossing.Sequence > previous, $"crossing {crossing.Sequence} arrived after {previous}");
            previous = crossing.Sequence;
            if (wanted.Contains(crossing.Id))
            {
                seen.Add(crossing);
            }
        }

        return seen;
    }
}
