using ScoreGrains.Contracts;

namespace ScoreGrains.Client.Notifications;

/// <summary>The observer object behind a <see cref="SubjectWatch"/>.</summary>
internal sealed class SubjectReceiver(SubjectWatch watch) : ISubjectObserver
{
    public Task OnScoreChanged(IReadOnlyList<ScoreChange> changes)
    {
        watch.Received(changes);
        return Task.CompletedTask;
    }

    public Task OnCrossing(Crossing crossing)
    {
        watch.Received(crossing);
        return Task.CompletedTask;
    }

    public Task OnDispute(Dispute dispute)
    {
        watch.Received(dispute);
        return Task.CompletedTask;
    }
}
