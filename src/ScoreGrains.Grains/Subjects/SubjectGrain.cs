using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
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
internal sealed class SubjectGrain(
    [PersistentState(StorageNames.SubjectState, StorageNames.Subjects)] IPersistentState<SubjectState> state,
    ModelCatalog models,
    TimeProvider time,
    IOptions<ScoreGrainsOptions> options,
    SignalJournal journal,
    JournalReader journalReader,
    IEnumerable<ICrossingSink> crossingSinks,
    SubjectBandTally bandTally,
    ILogger<SubjectGrain> logger) : Grain, ISubjectGrain
{
    private const int ReasonsPerCrossing = 3;

    // 2000-01-01T00:00:00Z, the zero of PostgreSQL's timestamps.
    private const long PostgresEpochTicks = 630822816000000000;

    private readonly ScoreGrainsOptions _options = options.Value;
    private readonly ICrossingSink[] _crossingSinks = [.. crossingSinks];
    private string _key = "";
    private string _kind = "";
    private string _id = "";
    private ScoringModel _model = null!;
    private ObserverManager<ISubjectObserver>? _watchers;
    private int _sinceSnapshot;

    // Set when a write failed: memory is then ahead of storage and must never be snapshotted.
    private bool _aheadOfStorage;

    // Until this activation's first successful append, every id not in the ring is checked against the journal:
    // a retry that came back with another occurredAt (so the horizon test passes it) and was refused by the
    // journal's unique index is then answered "duplicate" instead of failing forever.
    private bool _verifyForgotten;

    // Set once the activation is counted in the band tally, so a failed activation is not uncounted.
    private bool _tallied;

    private ScoreSheet Sheet => state.State.Sheet!;

    private PersistenceMode Mode => _options.Persistence;

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
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_tallied)
        {
            bandTally.Deactivated(_kind, Sheet.Band);
        }

        if (Mode == PersistenceMode.Journal && _sinceSnapshot > 0 && !_aheadOfStorage)
        {
            await SnapshotAsync();
        }
    }

    public async Task<IReadOnlyList<SignalOutcome>> ApplyAsync(IReadOnlyList<SubjectSignal> signals)
    {
        var recorded = await FindForgottenDuplicatesAsync(signals);
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

    public Task<SubjectScore> GetScoreAsync()
    {
        var explanation = ScoringEngine.Explain(_model, Sheet);
        return Task.FromResult(new SubjectScore(
            _kind,
            _id,
            explanation.Score,
            explanation.Band,
            explanation.ModelVersion,
            explanation.SignalCount,
            [.. explanation.Dimensions.Select(d => new DimensionBreakdown(d.Name, d.Points, d.Cap, d.Weight, d.Contribution))],
            ToScoreReasons(explanation.Reasons)));
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
            if ((_verifyForgotten || window.MayHaveForgotten(ToJournalPrecision(signal.OccurredAt))) && !window.Contains(signal.SignalId))
            {
                (uncertain ??= []).Add(signal.SignalId);
            }
        }

        return uncertain is null ? EmptySet : await journalReader.FindRecordedAsync(_key, uncertain);
    }

    private async Task<IReadOnlyList<long>> PersistAsync(List<JournalEntry> entries, List<CrossingRecord> crossings)
    {
        switch (Mode)
        {
            case PersistenceMode.Journal:
                var sequences = await journal.AppendAsync(entries, crossings);
                state.State.JournalPosition += entries.Count;
                _verifyForgotten = false;
                _sinceSnapshot += entries.Count;
                if (_sinceSnapshot >= _options.SnapshotEverySignals)
                {
                    await SnapshotAsync();
                }

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

    private async Task SnapshotAsync()
    {
        try
        {
            await state.WriteStateAsync();
            _sinceSnapshot = 0;
        }
        catch (Exception exception)
        {
            // The journal already holds every acknowledged signal; a missed snapshot only makes replay longer.
            logger.LogWarning(exception, "Snapshot of {Subject} failed; the journal still holds its signals", _key);
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
