namespace ScoreGrains.Contracts;

/// <summary>
/// One scored subject (citizen, company or official). Key: <c>kind/id</c>, see <see cref="SubjectKey"/>.
/// </summary>
[Alias("ScoreGrains.ISubjectGrain")]
public interface ISubjectGrain : IGrainWithStringKey
{
    /// <summary>Folds the signals in order and stores the result durably before answering; one outcome per signal.</summary>
    [Alias("Apply")]
    Task<IReadOnlyList<SignalOutcome>> ApplyAsync(IReadOnlyList<SubjectSignal> signals);

    /// <summary>The current score with its breakdown and reasons.</summary>
    [Alias("GetScore")]
    Task<SubjectScore> GetScoreAsync();
}
