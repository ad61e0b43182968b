using ScoreGrains.Contracts;
using ScoreGrains.Notifications.Tests.Infrastructure;
using ScoreGrains.Tests.Infrastructure;

namespace ScoreGrains.Notifications.Tests;

/// <summary>.NET subscribers through ScoreGrains.Client: kind-wide subscriptions and subject watches.</summary>
[Collection(NotificationsCollection.Name)]
public sealed class KindSubscriptionTests(NotificationsFixture fixture)
{
    private NotificationsHost Host => fixture.Host;

    [Fact]
    public async Task ACrossingSignalReachesEachKindSubscriberExactlyOnceWithItsContents()
    {
        await using var everything = await Host.Subscriber.SubscribeAsync("citizen");
        await using var intoLow = await Host.Subscriber.SubscribeAsync("citizen", intoBands: ["low"]);
        await using var intoGood = await Host.Subscriber.SubscribeAsync("citizen", intoBands: ["good"]);
        var id = Signals.NewId();
        var signal = Citizens.Default(id);

        await Host.SendAsync(signal);

        foreach (var subscription in new[] { everything, intoLow })
        {
            var crossing = await Within.Await(subscription.Crossings.ReadAsync(), $"the crossing of citizen/{id}");
            Assert.Equal(("citizen", id), (crossing.Kind, crossing.Id));
            Assert.Equal(("fair", "low"), (crossing.OldBand, crossing.NewBand));
            Assert.Equal(600, crossing.OldScore, 6);
            Assert.InRange(crossing.NewScore, 536, 538);
            Assert.Equal((signal.SignalId, "loan.defaulted"), (crossing.SignalId, crossing.SignalType));
            Assert.False(string.IsNullOrEmpty(crossing.ModelVersion));
            Assert.Contains(crossing.Reasons, r => r.SignalType == "loan.defaulted");
            Assert.True(crossing.Sequence > 0);
        }

        // A signal that does not cross, then a marker that does: the marker must be the next crossing.
        var marker = Signals.NewId();
        await Host.SendAsync(Citizens.At(id, "bill.paid", 1));
        await Host.SendAsync(Citizens.Default(marker));
        foreach (var subscription in new[] { everything, intoLow })
        {
            var seen = await Citizens.ReadUntilAsync(subscription.Crossings, marker, $"the marker crossing of citizen/{marker}");
            Assert.Equal([marker], seen.Select(c => c.Id));
        }

        Assert.False(intoGood.Crossings.TryRead(out var unexpected), $"a subscriber into 'good' got {unexpected}");
    }

    [Fact]
    public async Task HysteresisKeepsAScoreHoveringOnABandEdgeFromFlapping()
    {
        await using var subscription = await Host.Subscriber.SubscribeAsync("citizen");
        var id = Signals.NewId();

        // 537 (low), then up and down across the raw edge at 550 but never to 555, the edge plus hysteresis.
        var result = await Host.SendAsync(
            Citizens.Default(id, 0),
            Citizens.At(id, "loan.repaid", 1),
            Citizens.At(id, "payment.on_time", 2),
            Citizens.At(id, "payment.late", 3),
            Citizens.At(id, "payment.on_time", 4),
            Citizens.At(id, "payment.on_time", 5),
            Citizens.At(id, "payment.on_time", 6),
            Citizens.At(id, "payment.on_time", 7));
        var marker = Signals.NewId();
        await Host.SendAsync(Citizens.Default(marker));

        Assert.Contains(result.Outcomes, o => o.Score > 550 && o.Band == "low");
        Assert.All(result.Outcomes.Skip(1), o => Assert.True(o.Score < 555, $"score {o.Score} reached the hysteresis edge"));
        var seen = await Citizens.ReadUntilAsync(subscription.Crossings, marker, $"the marker crossing of citizen/{marker}");
        var crossing = Assert.Single(seen, c => c.Id == id);
        Assert.Equal(("fair", "low"), (crossing.OldBand, crossing.NewBand));
    }

    [Fact]
    public async Task ASubjectWatcherGetsEveryScoreChangeAndTheCrossing()
    {
        var id = Signals.NewId();
        await using var watch = await Host.Subscriber.WatchAsync([("citizen", id)], scoreChanges: true);

        await Host.SendAsync(Citizens.At(id, "bill.paid", 0), Citizens.Default(id, 1));

        var first = await Within.Await(watch.ScoreChanges.ReadAsync(), $"the first score change of citizen/{id}");
        var second = await Within.Await(watch.ScoreChanges.ReadAsync(), $"the second score change of citizen/{id}");
        var crossing = await Within.Await(watch.Crossings.ReadAsync(), $"the crossing of citizen/{id}");
        Assert.Equal(("bill.paid", "loan.defaulted"), (first.SignalType, second.SignalType));
        Assert.Equal(first.NewScore, second.OldScore);
        Assert.True(second.JournalSeq > first.JournalSeq);
        Assert.Equal(("low", second.NewScore), (crossing.NewBand, crossing.NewScore));
    }

    [Fact]
    public async Task ASubjectWatcherLearnsOfADisputeWhenItOpensAndWhenItIsUpheldWhichChangesNoScore()
    {
        var id = Signals.NewId();
        var defaulted = Citizens.Default(id, 0);
        await Host.SendAsync(defaulted);
        await using var watch = await Host.Subscriber.WatchAsync([("citizen", id)], scoreChanges: true);
        var subject = Host.Grains.GetGrain<ISubjectGrain>($"citizen/{id}");

        var opening = await subject.OpenDisputeAsync(defaulted.SignalId!, "not my loan", "tests");
        var opened = await Within.Await(watch.Disputes.ReadAsync(), $"the opened dispute of citizen/{id}");
        await subject.ResolveDisputeAsync(opening.Dispute.Id, DisputeStatus.Upheld, "the bank's records show it", "tests");
        var upheld = await Within.Await(watch.Disputes.ReadAsync(), $"the upheld dispute of citizen/{id}");
        await subject.OpenDisputeAsync(defaulted.SignalId!, "not my loan", "tests"); // a new one: the signal may be disputed again
        await Within.Await(watch.Disputes.ReadAsync(), $"the second dispute of citizen/{id}");

        Assert.Equal((opening.Dispute.Id, DisputeStatus.Open, defaulted.SignalId), (opened.Id, opened.Status, opened.SignalId));
        Assert.Equal((opening.Dispute.Id, DisputeStatus.Upheld), (upheld.Id, upheld.Status));
        Assert.False(watch.ScoreChanges.TryRead(out _)); // upholding moved no score
    }
}
