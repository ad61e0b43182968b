namespace ScoreGrains.Contracts;

/// <summary>
/// One scored subject (citizen, company or official). Key: <c>kind/id</c>, see <see cref="SubjectKey"/>.
/// </summary>
[Alias("ScoreGrains.ISubjectGrain")]
public interface ISubjectGrain : IGrainWithStringKey
{
    /// <summary>How long a watch lasts without renewal.</summary>
    public static readonly TimeSpan WatchLease = TimeSpan.FromMinutes(5);

    /// <summary>Folds the signals in order and stores the result durably before answering; one outcome per signal.</summary>
    /// <remarks>
    /// The list is immutable by contract: a caller in the same process must not change it after the call, so Orleans
    /// passes it as is instead of copying it on every call (the ingest grain makes hundreds of these per batch).
    /// </remarks>
    [Alias("Apply")]
    Task<IReadOnlyList<SignalOutcome>> ApplyAsync([Immutable] IReadOnlyList<SubjectSignal> signals);

    /// <summary>
    /// Starts (or renews) pushing this subject's score changes and crossings to <paramref name="observer"/>.
    /// Watches expire unless renewed: call again at least every <see cref="WatchLease"/>.
    /// </summary>
    [Alias("Watch")]
    Task WatchAsync(ISubjectObserver observer);

    /// <summary>Stops pushing to <paramref name="observer"/>.</summary>
    [Alias("Unwatch")]
    Task UnwatchAsync(ISubjectObserver observer);

    /// <summary>The current score with its breakdown and reasons.</summary>
    [Alias("GetScore")]
    Task<SubjectScore> GetScoreAsync();

    /// <summary>
    /// The score as the system held it at <paramref name="asOf"/>: the signals recorded up to then, folded again from the
    /// journal in journal order with the model in use now (the answer's model version says which), exactly as the
    /// plain read would have answered at that moment under that model. Before the subject's first signal it is the
    /// start score with no signals. Needs the journal (journal mode); a time after now is an
    /// <see cref="ArgumentOutOfRangeException"/> naming <c>asOf</c>.
    /// </summary>
    [Alias("GetScoreAsOf")]
    Task<SubjectScore> GetScoreAsync(DateTimeOffset asOf);

    /// <summary>
    /// Erases everything stored about the subject in one transaction (journal, snapshot, the personal fields of its
    /// crossings), leaves a tombstone naming <paramref name="erasedBy"/>, and deactivates the subject: afterwards it
    /// answers as a subject never seen, and a signal with an erased signalId is new to it. Calls that were waiting on
    /// the subject meanwhile fail with <see cref="SubjectUnavailableException"/> (retry: the retry reaches the erased,
    /// empty subject). Needs storage (journal or per-signal mode).
    /// </summary>
    [Alias("Erase")]
    Task<ErasureReceipt> EraseAsync(string erasedBy);

    /// <summary>
    /// Opens a dispute of one of the subject's signals, or answers its open one (one open dispute per signal). A signal
    /// the subject's journal does not hold (or a journal entry of its own, <c>$…</c>) is a <see cref="KeyNotFoundException"/>
    /// naming the signalId; a signal already retracted is an <see cref="InvalidOperationException"/>. Needs the journal.
    /// </summary>
    [Alias("OpenDispute")]
    Task<DisputeOpening> OpenDisputeAsync(string signalId, string reason, string openedBy);

    /// <summary>
    /// Resolves an open dispute of this subject with <see cref="DisputeStatus.Upheld"/> or
    /// <see cref="DisputeStatus.Retracted"/>. Retracted: journals a retraction, refolds the subject without the signal
    /// (exactly the score of a subject that never received it) and emits a crossing with the retraction as its first
    /// reason if the band changes. Resolving again with the same outcome answers the resolved dispute; with the other
    /// one, or for another subject's dispute, it is an <see cref="InvalidOperationException"/>; an unknown id a
    /// <see cref="KeyNotFoundException"/>.
    /// </summary>
    [Alias("ResolveDispute")]
    Task<Dispute> ResolveDisputeAsync(Guid disputeId, string outcome, string note, string resolvedBy);
}
