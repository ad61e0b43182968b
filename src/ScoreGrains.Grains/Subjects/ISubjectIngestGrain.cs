using ScoreGrains.Contracts;
using ScoreGrains.Grains.Ingest;

namespace ScoreGrains.Grains.Subjects;

/// <summary>The ingest grain's way into a subject grain (the same grain as <see cref="ISubjectGrain"/>).</summary>
[Alias("ScoreGrains.ISubjectIngestGrain")]
internal interface ISubjectIngestGrain : IGrainWithStringKey
{
    /// <summary>
    /// As <see cref="ISubjectGrain.ApplyAsync"/>, except that on the caller's silo the subject may answer once it has
    /// folded and leave its journal commit at <paramref name="ticket"/> in <see cref="CommitHandoff"/>: the caller
    /// then acknowledges nothing before that commit completes.
    /// </summary>
    [Alias("ApplyFromIngest")]
    Task<IReadOnlyList<SignalOutcome>> ApplyAsync([Immutable] IReadOnlyList<SubjectSignal> signals, CommitTicket ticket);
}
