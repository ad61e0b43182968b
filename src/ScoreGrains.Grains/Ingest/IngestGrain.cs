using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using ScoreGrains.Contracts;
using ScoreGrains.Grains.Hosting;
using ScoreGrains.Grains.Notifications;
using ScoreGrains.Grains.Observability;
using ScoreGrains.Grains.Subjects;
using ScoreGrains.Scoring;

namespace ScoreGrains.Grains.Ingest;

/// <summary>
/// Routes a batch to its subjects: one call per subject, all in parallel, each carrying that subject's
/// signals in batch order. Stateless and reentrant, so one activation per core serves any number of batches.
/// Answers only once every signal it reports as applied is committed: subjects on this silo may hand their journal
/// commits over (<see cref="CommitHandoff"/>), and then this grain waits for them. It counts every outcome it
/// answers (<see cref="ScoreGrainsMetrics"/>): only it knows whether a handed-over commit turned "applied" into "failed".
/// </summary>
[StatelessWorker]
[Reentrant]
internal sealed class IngestGrain(
    IOptions<ScoreGrainsOptions> options,
    CommitHandoff handoff,
    NotificationCounters counters,
    ScoreGrainsMetrics metrics,
    ILogger<IngestGrain> logger) : Grain, IIngestGrain
{
    private readonly int _maxBatchSize = options.Value.MaxBatchSize;

    // GetGrain<ISubjectGrain>(key) resolves the interface from its attributes by reflection on every call (Orleans
    // 10.4 does not cache it): a visible cost at hundreds of subject calls per batch. Resolve once, reuse.
    private (GrainType Grain, GrainInterfaceType Interface)? _subjectType;

    public async Task<IngestResult> IngestAsync(IReadOnlyList<SignalInput> signals)
    {
        ArgumentNullException.ThrowIfNull(signals);
        if (signals.Count > _maxBatchSize)
        {
            throw new BatchTooLargeException(signals.Count, _maxBatchSize);
        }

        var outcomes = new SignalOutcome[signals.Count];
        var tally = new SignalTally();
        var bySubject = new Dictionary<string, SubjectBatch>(StringComparer.Ordinal);
        for (var i = 0; i < signals.Count; i++)
        {
            var input = signals[i] ?? new SignalInput();
            if (SignalEnvelope.Check(input, out var key, out var signal) is { } rejection)
            {
                outcomes[i] = rejection;
                tally.Add(SubjectKinds.TryParse(input.Subject?.Kind, out var rejectedKind) ? rejectedKind : null, SignalStatus.Rejected);
                continue;
            }

            if (!bySubject.TryGetValue(key, out var batch))
            {
                // Parsed again once per subject, not per signal: the envelope accepted it, so it parses.
                _ = SubjectKinds.TryParse(input.Subject!.Kind, out var kind);
                bySubject[key] = batch = new SubjectBatch(key, kind);
            }

            batch.Positions.Add(i);
            batch.Signals.Add(signal);
        }

        // The subject calls' own tasks, awaited together: a wrapper per call would cost an async state machine and
        // a scheduler continuation each, hundreds per batch.
        var batches = new SubjectBatch[bySubject.Count];
        var calls = new Task<IReadOnlyList<SignalOutcome>>[bySubject.Count];
        var handoffs = handoff.Open(bySubject.Count);
        HandedOffCommit[] commits;
        try
        {
            var n = 0;
            foreach (var batch in bySubject.Values)
            {
                batches[n] = batch;
                calls[n] = Subject(batch.SubjectKey).ApplyAsync(batch.Signals, handoffs.Ticket(n));
                n++;
            }

            try
            {
                await Task.WhenAll(calls);
            }
            catch
            {
                // Each call's outcome is read below, failed ones included.
            }
        }
        finally
        {
            // Whatever happened, the batch leaves the registry; a subject that comes later waits for its commit itself.
            commits = handoffs.Close();
        }

        foreach (var handedOff in commits)
        {
            if (handedOff.Commit is { IsCompleted: false } commit)
            {
                // One by one: they commit in a few group commits, so most are complete by the time their turn comes and
                // this grain resumes a few times per batch, not once per subject. Their outcome is read in Collect.
                await commit.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
            }
        }

        for (var i = 0; i < calls.Length; i++)
        {
            Collect(batches[i], calls[i], commits[i], outcomes, tally);
        }

        metrics.CountSignals(tally);
        return new IngestResult(outcomes);
    }

    private void Collect(SubjectBatch batch, Task<IReadOnlyList<SignalOutcome>> call, HandedOffCommit handedOff, SignalOutcome[] outcomes, SignalTally tally)
    {
        if (call.IsCompletedSuccessfully && handedOff.Commit is not { IsCompletedSuccessfully: false })
        {
            var results = call.Result;
            for (var j = 0; j < results.Count; j++)
            {
                outcomes[batch.Positions[j]] = results[j];
            }

            tally.Add(batch.Kind, results);

            if (handedOff.Kind is { } kind)
            {
                counters.AddSignals(kind, handedOff.Signals);
            }

            return;
        }

        // Nothing of this subject's share was acknowledged; the producer may retry it with the same ids.
        var failure = call.Exception?.InnerException ?? handedOff.Commit?.Exception?.InnerException;
        logger.LogWarning(failure, "Applying {Count} signals to {Subject} failed", batch.Signals.Count, batch.SubjectKey);
        for (var j = 0; j < batch.Positions.Count; j++)
        {
            outcomes[batch.Positions[j]] = SignalOutcome.Failed(batch.Signals[j].SignalId, "The subject could not store the signal now; retry with the same signalId.");
        }

        tally.Add(batch.Kind, SignalStatus.Failed, batch.Positions.Count);
    }

    private ISubjectIngestGrain Subject(string subjectKey)
    {
        if (_subjectType is not { } type)
        {
            var reference = (GrainReference)GrainFactory.GetGrain<ISubjectIngestGrain>(subjectKey);
            _subjectType = (reference.GrainId.Type, reference.InterfaceType);
            return (ISubjectIngestGrain)reference;
        }

        return (ISubjectIngestGrain)GrainFactory.GetGrain(GrainId.Create(type.Grain, subjectKey), type.Interface);
    }

    private sealed class SubjectBatch(string subjectKey, SubjectKind kind)
    {
        public string SubjectKey { get; } = subjectKey;

        public SubjectKind Kind { get; } = kind;

        public List<int> Positions { get; } = [];

        public List<SubjectSignal> Signals { get; } = [];
    }
}
