using ScoreGrains.Contracts;
using ScoreGrains.Notifications.Tests.Infrastructure;
using ScoreGrains.Tests.Infrastructure;

namespace ScoreGrains.Notifications.Tests;

/// <summary>A subscriber that does not keep up is dropped from live push and catches up from the durable feed.</summary>
[Collection(NotificationsCollection.Name)]
public sealed class BackpressureTests(NotificationsFixture fixture)
{
    [Fact]
    public async Task ASlowSubscriberIsDroppedAndResumesWithoutGapOrRepeatWhileAFastOneKeepsUp()
    {
        await using var host = await fixture.StartHostAsync(NotificationsFixture.NewServiceId(), "--ScoreGrains:Notifications:SubscriberQueueLimit=2");
        await using var fast = await host.Subscriber.SubscribeAsync("citizen");
        await using var slow = await host.Subscriber.SubscribeAsync("citizen", capacity: 1);
        var resumed = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        slow.Resumed += after => resumed.TrySetResult(after);
        var ids = Enumerable.Range(0, 12).Select(_ => Signals.NewId()).ToList();

        // One call per subject: separate pushes, so the slow subscriber's queue at the feed overflows.
        foreach (var id in ids)
        {
            await host.SendAsync(Citizens.Default(id));
        }

        var fastSeen = await ReadOurAsync(fast.Crossings, ids, "every crossing at the fast subscriber");
        Assert.Equal(ids.Order(), fastSeen.Select(c => c.Id).Order());

        var slowSeen = await ReadOurAsync(slow.Crossings, ids, "every crossing at the slow subscriber, after its catch-up");
        Assert.Equal(ids.Order(), slowSeen.Select(c => c.Id).Order());
        await Within.Await(resumed.Task, "the slow subscriber to be dropped and to catch up from the durable feed");
        Assert.Equal(0, fast.Resumes);
    }

    private static async Task<List<Crossing>> ReadOurAsync(System.Threading.Channels.ChannelReader<Crossing> reader, List<string> ids, string what)
    {
        var wanted = ids.ToHashSet();
        var seen = new List<Crossing>();
        while (seen.Count < ids.Count)
        {
            var crossing = await Within.Await(reader.ReadAsync(), what);
            if (wanted.Contains(crossing.Id))
            {
                Assert.DoesNotContain(seen, c => c.Sequence == crossing.Sequence);
                seen.Add(crossing);
            }
        }

        return seen;
    }
}
