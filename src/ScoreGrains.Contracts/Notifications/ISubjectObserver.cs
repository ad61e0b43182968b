using Orleans.Concurrency;

namespace ScoreGrains.Contracts;

/// <summary>Watches one subject: every committed score change, every band crossing, and its disputes as they open and close.</summary>
[Alias("ScoreGrains.ISubjectObserver")]
public interface ISubjectObserver : IGrainObserver
{
    /// <summary>Score changes of one committed call, in the order the subject applied them.</summary>
    [OneWay, Alias("OnScoreChanged")]
    Task OnScoreChanged(IReadOnlyList<ScoreChange> changes);

    /// <summary>The subject entered another band.</summary>
    [OneWay, Alias("OnCrossing")]
    Task OnCrossing(Crossing crossing);

    /// <summary>
    /// A dispute of the subject was opened or resolved, as it stands now. An upheld dispute changes no score, so this is
    /// how a watcher learns of it; a retraction's score change and any crossing come as well, after it.
    /// </summary>
    [OneWay, Alias("OnDispute")]
    Task OnDispute(Dispute dispute);
}
