using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Utilities;
using ScoreGrains.Contracts;
using ScoreGrains.Grains.Hosting;
using ScoreGrains.Grains.Notifications;
using ScoreGrains.Postgres.Journal;
using ScoreGrains.Scoring;

namespace ScoreGrains.Grains.Subjects;

/// <summary>
/// One scored subject. Folds each signal into its score sheet in memory and makes it durable before it
/// answers, so an applied outcome means the signal is in PostgreSQL. In journal mode (the default) that is an
/// append to the signal journal, group-committed with the rest of the silo, with a snapshot through Orleans
/// grain storage every so often; activation loads the snapshot and replays the journal after it.
/// </summary>
/// <remarks>
/// Reentrant by design, with the rule in <see cref="AppendGate"/>: a call folds its signals at once and waits for its
/// commit while the next call folds (the journal commits a subject's appends in order and never one after a failed
/// one), so a hot subject folds many calls per commit instead of one. Reads and snapshots wait for the commits in
/// flight and see only durable state.
/// </remarks>
[Reentrant]
internal sealed class SubjectGrain(
    [PersistentState(StorageNames.SubjectState, StorageNames.Subjects)] IPersistentState<SubjectState> state,
    ModelCatalog models,
    TimeProvider time,
    IOptions<ScoreGrainsOptions> options,
    SignalJournal journal,
    JournalReader journalReader,
    RecordedSignalLookup recordedSignals,
    IEnumerable<ICrossingSink> crossingSinks,
    SubjectBandTally bandTally,
    NotificationCounters counters,
    ILogger<SubjectGrain> logger) : Grain, ISubjectGrain
{
    private const int ReasonsPerCrossing = 3;

    // 2000-01-01T00:00:00Z, the zero of PostgreSQL's timestamps.
    private const long PostgresEpochTicks = 630822816000000000;

    private readonly ScoreGrainsOptions _options = options.Value;
    private readonly ICrossingSink[] _crossingSinks = [.. crossingSinks];
    private readonly AppendGate _gate = new();
    private string _key = "";
    private string _kind = "";
    private string _id = "";
    private ScoringModel _model = null!;
    private ObserverManager<ISubjectObserver>? _watchers;
    private int _sinceSnapshot;

    // When this activation last stored (or loaded) its state: with _sinceSnapshot, when the next snapshot is due.
    private long _snapshotAt;

    // The last journal append, while it may still be committing: the next append commits with or after it.
    private Task? _lastAppend;

    // Set when a write failed: memory is then ahead of storage and must never be snapshotted.
    private bool _aheadOfStorage;

    // For a snapshot from before the id filter: until this activation's first successful append, every id not in
    // the ring is checked against the journal, so a retry that came back with another occurredAt (which passes the
    // horizon test) and was refused by the journal's unique index is answered "duplicate" instead of failing forever.
    private bool _verifyForgotten;

    // Set once the activation is counted in the band tally, so a failed activation is not uncounted.
    private bool _tallied;

    private ScoreSheet Sheet => state.State.Sheet!;

    private PersistenceMode Mode => _options.Persistence;

    private bool SnapshotDue =>
        _sinceSnapshot >= _options.SnapshotEverySignals && time.GetElapsedTime(_snapshotAt) >= _options.SnapshotMinInterval;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _key = this.GetPrimaryKeyString();
        (_kind, _id) = SubjectKey.Parse(_key);
        if (!SubjectKinds.TryParse(_kind, out var kind))
        {
            throw new ArgumentException($"Unknown subject kind '{_kind}' in grain key '{_key}'.");
        }

        _model = models.For(kind);
        if (state.State.Sheet is { } stored && stored.ModelVersion != _model.Version)
        {
            if (Mode != PersistenceMode.Journal)
            {
                throw new InvalidOperationException(
                    $"{_key} was scored with model {stored.ModelVersion}; rescoring it with {_model.Version} needs the journal (ScoreGrains:PersistenceMode=journal).");
            }

            // A new model version: rescore from the whole journal.
            state.State = new SubjectState();
        }

        state.State.Sheet ??= ScoreSheet.Start(_model);
        if (Mode == PersistenceMode.Journal)
        {
            await ReplayJournalAsync(cancellationToken);
            _verifyForgotten = state.State.RecentSignalIds.HorizonTicks != 0;
        }

        bandTally.Activated(_kind, Sheet.Band);
        _tallied = true;
        _snapshotAt = time.GetTimestamp();
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_tallied)
        {
            bandTally.Deactivated(_kind, Sheet.Band);
        }

        if (Mode == PersistenceMode.Journal && _sinceSnapshot > 0)
        {
            await SnapshotAsync(0);
        }
    }

    public async Task<IReadOnlyList<SignalOutcome>> ApplyAsync(IReadOnlyList<SubjectSignal> signals)
    {
        if (Mode == PersistenceMode.PerSignal)
        {
            // The stock storage writes the whole state: one call at a time.
            await _gate.EnterExclusiveAsync();
            try
            {
                return await ApplyNowAsync(signals);
            }
            finally
            {
                _gate.ExitExclusive();
            }
        }

        IReadOnlyList<SignalOutcome> outcomes;
        await _gate.EnterPipelinedAsync();
        try
        {
            outcomes = await ApplyNowAsync(signals);
        }
        finally
        {
            _gate.ExitPipelined();
        }

        if (Mode == PersistenceMode.Journal && SnapshotDue)
        {
            await SnapshotAsync(_options.SnapshotEverySignals);
        }

        return outcomes;
    }

    private async Task<IReadOnlyList<SignalOutcome>> ApplyNowAsync(IReadOnlyList<SubjectSignal> signals)
    {
        var recorded = await FindForgottenDuplicatesAsync(signals);
        if (_aheadOfStorage)
        {
            throw new SubjectUnavailableException($"{_key} could not store earlier signals and is reloading; retry with the same signalIds.");
        }

        try
        {
            return await FoldAndPersistAsync(signals, recorded);
        }
        catch (Exception exception)
        {
            // Memory may now be ahead of what is stored. Drop this activation so the next call starts again
            // from storage: no outcome of this call was acknowledged.
            _aheadOfStorage = true;
            logger.LogWarning(exception, "{Subject} could not apply and store {Count} signals; deactivating", _key, signals.Count);
            DeactivateOnIdle();
            throw;
        }
    }

    private async Task<IReadOnlyList<SignalOutcome>> FoldAndPersistAsync(IReadOnlyList<SubjectSignal> signals, IReadOnlySet<string> recorded)
    {
        var now = time.GetUtcNow();
        var outcomes = new SignalOutcome[signals.Count];
        var entries = new List<JournalEntry>(signals.Count);
        List<CrossingRecord>? crossings = null;
        List<List<ScoreReason>>? crossingReasons = null;

        for (var i = 0; i < signals.Count; i++)
        {
            var signal = signals[i];
            if (state.State.RecentSignalIds.Contains(signal.SignalId) || recorded.Contains(signal.SignalId))
            {
                outcomes[i] = new SignalOutcome(signal.SignalId, SignalStatus.Duplicate, Score: Sheet.Score, Band: Sheet.Band);
                continue;
            }

            var occurredAt = ToJournalPrecision(signal.OccurredAt);
            var scoring = new ScoringSignal(signal.SignalId, signal.Type, signal.Value, occurredAt);
            if (ScoringEngine.Validate(_model, scoring, now) is { } rejection)
            {
                outcomes[i] = SignalOutcome.Rejected(signal.SignalId, rejection.Field, rejection.Code, rejection.Message);
                continue;
            }

            var effect = ScoringEngine.Apply(_model, Sheet, scoring);
            state.State.RecentSignalIds.Add(signal.SignalId, occurredAt, _options.DeduplicationWindow);
            var entry = new JournalEntry(
                _key, state.State.JournalPosition + entries.Count + 1, signal.SignalId, signal.Type, signal.Value, occurredAt,
                signal.Source, effect.ScoreBefore, effect.ScoreAfter, effect.BandBefore, effect.BandAfter, _model.Version, now);
            entries.Add(entry);
            if (effect.CrossedBand)
            {
                var reasons = ToScoreReasons(ScoringEngine.Explain(_model, Sheet, ReasonsPerCrossing).Reasons);
                (crossings ??= []).Add(CrossingFor(entry, reasons));
                (crossingReasons ??= []).Add(reasons);
            }

            outcomes[i] = new SignalOutcome(signal.SignalId, SignalStatus.Applied, Score: effect.ScoreAfter, Band: effect.BandAfter);
        }

        if (entries.Count > 0)
        {
            var crossingSequences = await PersistAsync(entries, crossings ?? []);
            counters.AddSignals(_kind, entries.Count);
            Publish(entries, crossings, crossingReasons, crossingSequences);
        }

        return outcomes;
    }

    public Task WatchAsync(ISubjectObserver observer)
    {
        _watchers ??= new ObserverManager<ISubjectObserver>(ISubjectGrain.WatchLease, logger);
        _watchers.Subscribe(observer, observer);
        return Task.CompletedTask;
    }

    public Task UnwatchAsync(ISubjectObserver observer)
    {
        _watchers?.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    public async Task<SubjectScore> GetScoreAsync()
    {
        await _gate.EnterExclusiveAsync();
        try
        {
            if (_aheadOfStorage)
            {
                throw new SubjectUnavailableException($"{_key} could not store its latest signals and is reloading; retry.");
            }

            var explanation = ScoringEngine.Explain(_model, Sheet);
            return new SubjectScore(
                _kind,
                _id,
                explanation.Score,
                explanation.Band,
                explanation.ModelVersion,
                explanation.SignalCount,
                [.. explanation.Dimensions.Select(d => new DimensionBreakdown(d.Name, d.Points, d.Cap, d.Weight, d.Contribution))],
                ToScoreReasons(explanation.Reasons));
        }
        finally
        {
            _gate.ExitExclusive();
        }
    }

    /// <summary>Ids of signals that left the recent-id ring but are in the journal: retries of old signals.</summary>
    private async Task<IReadOnlySet<string>> FindForgottenDuplicatesAsync(IReadOnlyList<SubjectSignal> signals)
    {
        if (Mode != PersistenceMode.Journal)
        {
            return EmptySet;
        }

        List<string>? uncertain = null;
        foreach (var signal in signals)
        {
            var window = state.State.RecentSignalIds;
            if (!window.Contains(signal.SignalId) && window.MayHaveForgotten(signal.SignalId, ToJournalPrecision(signal.OccurredAt), _verifyForgotten))
            {
                (uncertain ??= []).Add(signal.SignalId);
            }
        }

        return uncertain is null ? EmptySet : await recordedSignals.FindRecordedAsync(_key, uncertain);
    }

    private async Task<IReadOnlyList<long>> PersistAsync(List<JournalEntry> entries, List<CrossingRecord> crossings)
    {
        switch (Mode)
        {
            case PersistenceMode.Journal:
                // The position moves with the fold (the next call's entries follow these); a snapshot is only
                // taken with nothing in flight, so the position it stores is committed.
                state.State.JournalPosition += entries.Count;
                var append = journal.AppendAsync(entries, crossings, _lastAppend is { IsCompleted: false } previous ? previous : null);
                _lastAppend = append;
                var sequences = await append;
                _verifyForgotten = false;
                _sinceSnapshot += entries.Count;
                return sequences;
            case PersistenceMode.PerSignal:
                await state.WriteStateAsync();
                return [];
            default:
                return [];
        }
    }

    private async Task ReplayJournalAsync(CancellationToken cancellationToken)
    {
        var entries = await journalReader.ReadAfterAsync(_key, state.State.JournalPosition, cancellationToken);
        foreach (var entry in entries)
        {
            // Replay folds each entry exactly as when it was applied, in journal order. After a model change an
            // entry the new model does not score (unknown type, value out of its range) is skipped, by the same
            // deterministic rule every time, so a rescored subject never gets stuck.
            var signal = new ScoringSignal(entry.SignalId, entry.SignalType, entry.Value, entry.OccurredAt);
            if (ScoringEngine.Validate(_model, signal, entry.RecordedAt) is null)
            {
                ScoringEngine.Apply(_model, Sheet, signal);
            }

            state.State.RecentSignalIds.Add(entry.SignalId, entry.OccurredAt, _options.DeduplicationWindow);
            state.State.JournalPosition = entry.Seq;
        }

        _sinceSnapshot = entries.Count;
    }

    /// <summary>Writes a snapshot when at least <paramref name="due"/> signals were committed since the last one.</summary>
    private async Task SnapshotAsync(int due)
    {
        await _gate.EnterExclusiveAsync();
        try
        {
            // Another call may have taken the snapshot while this one waited; memory ahead of storage never is one.
            if (_aheadOfStorage || _sinceSnapshot == 0 || _sinceSnapshot < due)
            {
                return;
            }

            await state.WriteStateAsync();
            _sinceSnapshot = 0;
            _snapshotAt = time.GetTimestamp();
        }
        catch (Exception exception)
        {
            // The journal already holds every acknowledged signal; a missed snapshot only makes replay longer.
            logger.LogWarning(exception, "Snapshot of {Subject} failed; the journal still holds its signals", _key);
        }
        finally
        {
            _gate.ExitExclusive();
        }
    }

    private CrossingRecord CrossingFor(JournalEntry entry, List<ScoreReason> reasons) =>
        new(
            _key, _kind, entry.Seq, entry.SignalId, entry.SignalType, entry.ScoreBefore, entry.ScoreAfter,
            entry.BandBefore, entry.BandAfter, entry.ModelVersion, CrossingRows.ReasonsToJson(reasons), entry.OccurredAt, entry.RecordedAt);

    private void Publish(List<JournalEntry> entries, List<CrossingRecord>? crossings, List<List<ScoreReason>>? reasons, IReadOnlyList<long> sequences)
    {
        var published = new List<Crossing>(crossings?.Count ?? 0);
        for (var i = 0; i < sequences.Count; i++)
        {
            var record = crossings![i];
            var crossing = new Crossing(
                sequences[i], _kind, _id, record.OldScore, record.NewScore, record.OldBand, record.NewBand, record.ModelVersion,
                record.SignalId, record.SignalType, reasons![i], record.OccurredAt, record.RecordedAt);
            published.Add(crossing);
            foreach (var sink in _crossingSinks)
            {
                sink.Publish(crossing);
            }
        }

        if (_watchers is not { Count: > 0 } watchers)
        {
            return;
        }

        var changes = entries.ConvertAll(e => new ScoreChange(_kind, _id, e.Seq, e.SignalId, e.SignalType, e.ScoreBefore, e.ScoreAfter, e.BandAfter, e.RecordedAt));
        watchers.Notify(o => o.OnScoreChanged(changes));
        foreach (var crossing in published)
        {
            watchers.Notify(o => o.OnCrossing(crossing));
        }
    }

    /// <summary>
    /// PostgreSQL keeps microseconds: fold, dedupe and journal the time that replay will read back, or a
    /// replayed score can differ in its last bit.
    /// </summary>
    private static DateTimeOffset ToJournalPrecision(DateTimeOffset time)
    {
        // Npgsql writes whole microseconds since PostgreSQL's epoch, truncating toward it: do exactly the same.
        var sincePostgresEpoch = time.UtcTicks - PostgresEpochTicks;
        return new DateTimeOffset(PostgresEpochTicks + sincePostgresEpoch - (sincePostgresEpoch % 10), TimeSpan.Zero);
    }

    private static List<ScoreReason> ToScoreReasons(IReadOnlyList<ReasonCode> reasons) =>
        [.. reasons.Select(r => new ScoreReason(r.Code, r.Description, r.Impact, r.SignalId, r.SignalType))];

    private static readonly IReadOnlySet<string> EmptySet = new HashSet<string>();
}
