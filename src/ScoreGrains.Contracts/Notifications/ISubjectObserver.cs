using Orleans.Concurrency;

namespace ScoreGrains.Contracts;

/// <summary>Watches one subject: every committed score change, and every band crossing.</summary>
[Alias("ScoreGrains.ISubjectObserver")]
public interface ISubjectObserver : IGrainObserver
{
    /// <summary>Score changes of one committed call, in the order the subject applied them.</summary>
    [OneWay, Alias("OnScoreChanged")]
    Task OnScoreChanged(IReadOnlyList<ScoreChange> changes);

    /// <summary>The subject entered another band.</summary>
    [OneWay, Alias("OnCrossing")]
    Task OnCrossing(Crossing crossing);
}
