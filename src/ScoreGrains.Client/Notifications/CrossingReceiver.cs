using ScoreGrains.Contracts;

namespace ScoreGrains.Client.Notifications;

/// <summary>The observer object behind a <see cref="CrossingSubscription"/>.</summary>
internal sealed class CrossingReceiver(CrossingSubscription subscription) : ICrossingObserver
{
    public Task OnCrossings(IReadOnlyList<Crossing> crossings) => subscription.ReceiveAsync(crossings);

    public Task OnDropped(long resumeAfter)
    {
        subscription.Dropped(resumeAfter);
        return Task.CompletedTask;
    }
}
