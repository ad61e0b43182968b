using System.Threading.Channels;
using ScoreGrains.Contracts;

namespace ScoreGrains.Silo.Notifications;

/// <summary>
/// The observer behind one <c>/v1/subjects/{kind}/{id}/stream</c> connection. Subject pushes are one-way and must
/// never wait for a browser, so its queue is bounded and keeps the newest events: a live view needs the latest score.
/// </summary>
internal sealed class SubjectStreamWatcher : ISubjectObserver
{
    private readonly Channel<(string Type, object Data)> _events = Channel.CreateBounded<(string, object)>(new BoundedChannelOptions(1_024)
    {
        FullMode = BoundedChannelFullMode.DropOldest,
    });

    public ChannelReader<(string Type, object Data)> Events => _events.Reader;

    public Task OnScoreChanged(IReadOnlyList<ScoreChange> changes)
    {
        foreach (var change in changes)
        {
            _events.Writer.TryWrite(("score", change));
        }

        return Task.CompletedTask;
    }

    public Task OnCrossing(Crossing crossing)
    {
        _events.Writer.TryWrite(("crossing", crossing));
        return Task.CompletedTask;
    }

    public Task OnDispute(Dispute dispute)
    {
        _events.Writer.TryWrite(("dispute", dispute));
        return Task.CompletedTask;
    }
}
