using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Concurrency;
using Orleans.Utilities;
using ScoreGrains.Contracts;
using ScoreGrains.Grains.Hosting;
using ScoreGrains.Grains.Ingest;
using ScoreGrains.Grains.Notifications;
using ScoreGrains.Grains.Observability;
using ScoreGrains.Postgres.Journal;
using ScoreGrains.Postgres.Rights;
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
/// flight and see only durable state. Called by the ingest grain on its own silo, a call that only stores signals (no
/// crossing, no watcher, no snapshot due) answers once it has folded and hands its commit to the ingest grain
/// (<see cref="CommitHandoff"/>), which acknowledges nothing before that commit completes.
/// </remarks>
[Reentrant]
internal sealed class SubjectGrain(SubjectServices services) : Grain, ISubjectGrain, ISubjectIngestGrain, IRemindable
{
    // The subject's stored state and its row's ETag, read and written through the subject storage directly rather than
    // through a [PersistentState]: that wrapper, the grain lifecycle it joins and its migration entry held ~350 B per
    // active subject (loadtests/README.md, heap per subject), and a subject needs only the state and the ETag.
    private SubjectState _state = null!;
    private string? _etag;
    private readonly AppendGate _gate = new();
    private string _key = "";
    // The kind's one shared string when the key spells it so (it always does from the API), not a copy per subject.
    private string _kind = "";
    private SubjectKind _subjectKind;
    private ScoringModel _model = null!;
    private ObserverManager<ISubjectObserver>? _watchers;
    private int _sinceSnapshot;

    // When this activation last stored (or loaded) its state: with _sinceSnapshot, when the next snapshot is due.
    private long _snapshotAt;

    // The last journal append, while it may still be committing: the next append commits with or after it, and
    // exclusive work waits for it. Cleared by ForgetCommitted once it committed.
    private Task? _lastAppend;

    // ForgetCommitted as a delegate, made once per activation rather than once per append.
    private Action<Task>? _forgetCommitted;

    // Set when a write failed: memory is then ahead of storage and must never be snapshotted.
    private bool _aheadOfStorage;

    // For a snapshot from before the id filter: until this activation's first successful append, every id not in
    // the ring is checked against the journal, so a retry that came back with another occurredAt (which passes the
    // horizon test) and was refused by the journal's unique index is answered "duplicate" instead of failing forever.
    private bool _verifyForgotten;

    // The band this activation is counted in by the band tally: set at activation (so a failed activation is not
    // uncounted) and moved only once a band change is stored, so a fold that never committed does not move it.
    private string? _talliedBand;

    /// <summary>The reminder a subject sets for the next expiry of an adverse record that moves its band.</summary>
    internal const string ExpiryReminder = "expiry";

    // The adverse records the expiry-reminder check last looked at (a hash of their expiry times): it runs again only
    // when they change, not on every fold.
    private long _expiriesChecked = -1;

    // How many of this subject's disputes are open, read on the first read that needs it; only this grain changes it.
    private int? _openDisputes;

    private ScoreSheet Sheet => _state.Sheet!;

    // The id part of the key, made only for a crossing or a watcher's change rather than kept per subject.
    private string SubjectId => SubjectKey.Parse(_key).Id;

    private PersistenceMode Mode => services.Options.Persistence;

    private bool SnapshotDue =>
        _sinceSnapshot >= services.Options.SnapshotEverySignals && services.Time.GetElapsedTime(_snapshotAt) >= services.Options.SnapshotMinInterval && !services.SnapshotPause.IsPaused;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _key = this.GetPrimaryKeyString();
        var (kindText, _) = SubjectKey.Parse(_key);
        if (!SubjectKinds.TryParse(kindText, out var kind))
        {
            throw new ArgumentException($"Unknown subject kind '{kindText}' in grain key '{_key}'.");
        }

        await ReadStateAsync();

        _kind = string.Equals(kindText, SubjectKinds.ToKey(kind), StringComparison.Ordinal) ? SubjectKinds.ToKey(kind) : kindText;

        _subjectKind = kind;

        _model = services.Models.For(kind);
        var snapshot = _state.Sheet is not null;
        if (_state.Sheet is { } stored && stored.ModelVersion != _model.Version)
        {
            if (Mode != PersistenceMode.Journal)
            {
                throw new InvalidOperationException(
                    $"{_key} was scored with model {stored.ModelVersion}; rescoring it with {_model.Version} needs the journal (ScoreGrains:PersistenceMode=journal).");
            }

            // A new model version: rescore from the whole journal.
            _state = new SubjectState { ReadTook = _state.ReadTook };
            snapshot = false;
        }

        _state.Sheet ??= ScoreSheet.Start(_model);
        var storageTime = _state.ReadTook;
        if (Mode == PersistenceMode.Journal)
        {
            var replayStarted = Stopwatch.GetTimestamp();
            await ReplayJournalAsync(cancellationToken);
            storageTime += Stopwatch.GetElapsedTime(replayStarted);
            _verifyForgotten = _state.RecentSignalIds.HorizonTicks != 0;
        }

        services.Metrics.CountActivation(ActivationSourceOf(snapshot, replayed: _sinceSnapshot > 0), storageTime);

        services.BandTally.Activated(_kind, Sheet.Band);
        _talliedBand = Sheet.Band;
        _snapshotAt = services.Time.GetTimestamp();
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_talliedBand is { } band)
        {
            services.BandTally.Deactivated(_kind, band);
        }

        if (Mode == PersistenceMode.Journal && _sinceSnapshot > 0 && SnapshotsOnDeactivation(reason.ReasonCode))
        {
            await SnapshotAsync(0);
        }
    }

    // The journal holds every acknowledged signal and the next activation replays what followed the last snapshot (in
    // the activation's shared round trip), so a deactivation that has to be quick writes none: shedding under memory
    // pressure (a write per shed subject, hundreds of thousands at 5-8k/s, would hold the memory it is meant to free for
    // minutes) and a silo stopping (every active subject at once, racing the host's shutdown timeout). An idle subject
    // leaving on its own, one at a time, still writes its snapshot, so its next activation reads one row.
    private static bool SnapshotsOnDeactivation(DeactivationReasonCode reason) =>
        reason is not (DeactivationReasonCode.HighMemoryPressure or DeactivationReasonCode.ShuttingDown);

    // Called directly (a .NET caller of ISubjectGrain), the subject counts the outcomes it answers; called by the ingest
    // grain (with a ticket), the ingest grain does, as only it knows how a handed-over commit ended.
    public Task<IReadOnlyList<SignalOutcome>> ApplyAsync(IReadOnlyList<SubjectSignal> signals) =>
        Mode == PersistenceMode.PerSignal ? ApplyAndWriteStateAsync(signals, counted: true) : ApplyPipelinedAsync(signals, null);

    public Task<IReadOnlyList<SignalOutcome>> ApplyAsync(IReadOnlyList<SubjectSignal> signals, CommitTicket ticket) =>
        Mode == PersistenceMode.PerSignal ? ApplyAndWriteStateAsync(signals, counted: false) : ApplyPipelinedAsync(signals, ticket);

    /// <summary>
    /// Journal and in-memory modes. One async method on purpose: every await that suspends in a grain allocates a
    /// continuation and a task for the activation's scheduler, so the only suspension here is the wait for the commit,
    /// and not even that when the commit is handed to the ingest grain (<paramref name="ticket"/>).
    /// </summary>
    private async Task<IReadOnlyList<SignalOutcome>> ApplyPipelinedAsync(IReadOnlyList<SubjectSignal> signals, CommitTicket? ticket)
    {
        if (!ReferenceEquals(_model, services.Models.For(_subjectKind)) && Mode == PersistenceMode.Journal)
        {
            await RescoreAsync();
        }

        await _gate.EnterPipelinedAsync();
        FoldedSignals fold;
        var remindAt = 0L;
        try
        {
            var ids = HashIds(signals);
            var recorded = await FindForgottenDuplicatesAsync(signals, ids);
            ThrowIfAheadOfStorage();
            try
            {
                fold = FoldSignals(signals, ids, recorded);
                if (fold.Entries.Count > 0 && Mode == PersistenceMode.Journal)
                {
                    // The position moves with the fold (the next call's entries follow these); a snapshot is only
                    // taken with nothing in flight, so the position it stores is committed.
                    _state.JournalPosition += fold.Entries.Count;
                    var append = services.Journal.AppendAsync(
                        fold.Entries, fold.Crossings ?? [], _lastAppend is { IsCompleted: false } previous ? previous : null, _forgetCommitted ??= ForgetCommitted);
                    _lastAppend = append;
                    _verifyForgotten = false;
                    _sinceSnapshot += fold.Entries.Count;
                    remindAt = ExpiryNeedingReminder();
                    if (ticket is { } handOffTo && fold.Crossings is null && _watchers is not { Count: > 0 } && !SnapshotDue && remindAt == 0
                        && services.Handoff.TryHandOff(handOffTo, append, _kind, fold.Entries.Count))
                    {
                        // Nothing left to do after the commit here: the ingest grain waits for it and counts the signals.
                        return fold.Outcomes;
                    }

                    fold.CrossingSequences = await append;
                }
            }
            catch (Exception exception)
            {
                MarkAheadOfStorage(exception);
                throw;
            }
        }
        catch (Exception) when (ticket is null)
        {
            services.Metrics.CountSignals(_subjectKind, SignalStatus.Failed, signals.Count);
            throw;
        }
        finally
        {
            _gate.ExitPipelined();
        }

        if (ticket is null)
        {
            services.Metrics.CountSignals(_subjectKind, fold.Outcomes);
        }

        Publish(fold);
        if (remindAt != 0)
        {
            await SetExpiryReminderAsync(remindAt);
        }

        if (Mode == PersistenceMode.Journal && SnapshotDue)
        {
            await SnapshotAsync(services.Options.SnapshotEverySignals);
        }

        return fold.Outcomes;
    }

    /// <summary>
    /// A model was uploaded since this subject activated: fold its whole journal again with the new model before the
    /// signal that noticed it, as an activation after a model change does. No crossing is emitted for the rescore
    /// itself (no signal caused it); the band tally follows, and the next signal's crossing starts from the new band.
    /// In per-signal and memory modes (no journal to replay) the new model is taken at the next activation.
    /// </summary>
    private async Task RescoreAsync()
    {
        await EnterExclusiveAsync();
        try
        {
            var model = services.Models.For(_subjectKind);
            if (ReferenceEquals(model, _model) || _aheadOfStorage)
            {
                return;
            }

            _model = model;
            _state = new SubjectState { Sheet = ScoreSheet.Start(model) };
            await ReplayJournalAsync(CancellationToken.None);
            _verifyForgotten = _state.RecentSignalIds.HorizonTicks != 0;
            if (_talliedBand is { } band && band != Sheet.Band)
            {
                services.BandTally.Crossed(_kind, band, Sheet.Band);
            }

            _talliedBand = Sheet.Band;
        }
        finally
        {
            _gate.ExitExclusive();
        }
    }

    /// <summary>The per-signal baseline: the stock storage writes the whole state, so one call at a time.</summary>
    /// <param name="counted">Whether this call counts its outcomes (a direct call), or its caller does.</param>
    private async Task<IReadOnlyList<SignalOutcome>> ApplyAndWriteStateAsync(IReadOnlyList<SubjectSignal> signals, bool counted)
    {
        await _gate.EnterExclusiveAsync();
        FoldedSignals fold;
        try
        {
            ThrowIfAheadOfStorage();
            try
            {
                fold = FoldSignals(signals, HashIds(signals), EmptySet);
                if (fold.Entries.Count > 0)
                {
                    await WriteStateAsync();
                }
            }
            catch (Exception exception)
            {
                MarkAheadOfStorage(exception);
                throw;
            }
        }
        catch (Exception) when (counted)
        {
            services.Metrics.CountSignals(_subjectKind, SignalStatus.Failed, signals.Count);
            throw;
        }
        finally
        {
            _gate.ExitExclusive();
        }

        if (counted)
        {
            services.Metrics.CountSignals(_subjectKind, fold.Outcomes);
        }

        Publish(fold);
        return fold.Outcomes;
    }

    private void ThrowIfAheadOfStorage()
    {
        ObserveLastAppend();
        if (_aheadOfStorage)
        {
            throw new SubjectUnavailableException($"{_key} could not store earlier signals and is reloading; retry with the same signalIds.");
        }
    }

    /// <summary>
    /// Called on a journal writer's thread when an append committed: lets go of it if it is still the last one, or every
    /// idle subject keeps its last append's task alive until its next call, long enough for the GC to promote it to gen2
    /// (loadtests/HISTORY.md). The one write to this grain from another thread, hence the compare-and-swap.
    /// </summary>
    private void ForgetCommitted(Task append) => Interlocked.CompareExchange(ref _lastAppend, null, append);

    /// <summary>
    /// Lets go of the last append once it completed; if it failed (an append handed to the ingest grain, which nothing
    /// here awaited), memory is ahead of storage. A later append made meanwhile failed with it: the journal never
    /// commits one after a failed one of the same subject.
    /// </summary>
    private void ObserveLastAppend()
    {
        if (_lastAppend is not { IsCompleted: true } last)
        {
            return;
        }

        _lastAppend = null;
        if (!last.IsCompletedSuccessfully && !_aheadOfStorage)
        {
            MarkAheadOfStorage(last.Exception?.InnerException ?? new TaskCanceledException(last));
        }
    }

    /// <summary>
    /// Exclusive work: waits until no fold is in flight and every append made so far completed, holding new folds
    /// back meanwhile. Leave with <see cref="AppendGate.ExitExclusive"/>.
    /// </summary>
    private async Task EnterExclusiveAsync()
    {
        await _gate.EnterExclusiveAsync();
        if (_lastAppend is { IsCompleted: false } last)
        {
            // Handed to an ingest grain: its outcome is read by ObserveLastAppend. Back on this activation's scheduler.
            await last.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
        }

        ObserveLastAppend();
    }

    /// <summary>
    /// Memory may now be ahead of what is stored. Drop this activation so the next call starts again from storage:
    /// no outcome of this call was acknowledged.
    /// </summary>
    private void MarkAheadOfStorage(Exception exception)
    {
        _aheadOfStorage = true;
        services.Logger.LogWarning(exception, "{Subject} could not store signals it applied; deactivating", _key);
        DeactivateOnIdle();
    }

    /// <summary>Folds the signals in memory: their outcomes, the journal entries and the crossings they caused.</summary>
    /// <param name="ids">The ring's hash of each signal's id (<see cref="HashIds"/>).</param>
    private FoldedSignals FoldSignals(IReadOnlyList<SubjectSignal> signals, UInt128[] ids, IReadOnlySet<string> recorded)
    {
        var now = services.Time.GetUtcNow();
        var fold = new FoldedSignals { Outcomes = new SignalOutcome[signals.Count], Entries = new List<JournalEntry>(signals.Count), CrossingSequences = [] };
        for (var i = 0; i < signals.Count; i++)
        {
            var signal = signals[i];
            if (_state.RecentSignalIds.Contains(ids[i]) || recorded.Contains(signal.SignalId))
            {
                fold.Outcomes[i] = new SignalOutcome(signal.SignalId, SignalStatus.Duplicate, Score: Sheet.Score, Band: Sheet.Band);
                continue;
            }

            var occurredAt = ToJournalPrecision(signal.OccurredAt);
            var scoring = new ScoringSignal(signal.SignalId, signal.Type, signal.Value, occurredAt);
            if (ScoringEngine.Validate(_model, scoring, now) is { } rejection)
            {
                fold.Outcomes[i] = SignalOutcome.Rejected(signal.SignalId, rejection.Field, rejection.Code, rejection.Message);
                continue;
            }

            var effect = ScoringEngine.Apply(_model, Sheet, scoring);
            _state.RecentSignalIds.Add(signal.SignalId, ids[i], occurredAt, services.Options.DeduplicationWindow);
            var entry = new JournalEntry(
                _key, _state.JournalPosition + fold.Entries.Count + 1, signal.SignalId, signal.Type, signal.Value, occurredAt,
                signal.Source, effect.ScoreBefore, effect.ScoreAfter, effect.BandBefore, effect.BandAfter, _model.Version, now);
            fold.Entries.Add(entry);
            if (effect.CrossedBand)
            {
                var reasons = ToScoreReasons(ScoringEngine.Explain(_model, Sheet, SubjectScore.PrincipalReasons).Reasons);
                (fold.Crossings ??= []).Add(CrossingFor(entry, reasons));
                (fold.CrossingReasons ??= []).Add(reasons);
            }

            fold.Outcomes[i] = new SignalOutcome(signal.SignalId, SignalStatus.Applied, Score: effect.ScoreAfter, Band: effect.BandAfter);
        }

        return fold;
    }

    public Task WatchAsync(ISubjectObserver observer)
    {
        _watchers ??= new ObserverManager<ISubjectObserver>(ISubjectGrain.WatchLease, services.Logger);
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
        await EnterExclusiveAsync();
        try
        {
            if (_aheadOfStorage)
            {
                throw new SubjectUnavailableException($"{_key} could not store its latest signals and is reloading; retry.");
            }

            return ToSubjectScore(_model, AsOf(_model, Sheet, services.Time.GetUtcNow())) with { OpenDisputes = await CountOpenDisputesAsync() };
        }
        finally
        {
            _gate.ExitExclusive();
        }
    }

    /// <summary>Open disputes, counted once per activation (only this grain opens and closes them).</summary>
    private async ValueTask<int> CountOpenDisputesAsync()
    {
        if (Mode != PersistenceMode.Journal)
        {
            return 0;
        }

        try
        {
            return _openDisputes ??= await services.Disputes.CountOpenAsync(_key, null);
        }
        catch (NpgsqlException exception) when (exception.IsTransient)
        {
            throw DatabaseUnavailable("read its disputes", exception);
        }
    }

    /// <summary>
    /// A database this subject cannot reach now, as the typed, retryable error its callers get on any silo: an
    /// <see cref="NpgsqlException"/> does not cross silos (Orleans has no codec for it; the caller got a
    /// CodecNotFoundException), so it is not passed on as the inner exception either. HTTP answers it with 503.
    /// </summary>
    private SubjectUnavailableException DatabaseUnavailable(string what, NpgsqlException exception) =>
        new($"{_key} cannot {what} now: the database is unavailable ({exception.Message}); retry.");

    public async Task<SubjectScore> GetScoreAsync(DateTimeOffset asOf)
    {
        if (asOf > services.Time.GetUtcNow())
        {
            throw new ArgumentOutOfRangeException(nameof(asOf), $"asOf {asOf:O} is in the future; the score at a past time is replayed from the journal, and the current one is the plain read.");
        }

        if (Mode != PersistenceMode.Journal)
        {
            throw new NotSupportedException("The score at a past time is replayed from the journal: it needs ScoreGrains:PersistenceMode=journal.");
        }

        // Every signal this subject acknowledged before asOf is committed once the appends in flight are: wait for them,
        // then replay without holding the gate (signals keep flowing; a replay of a long journal never blocks them).
        await EnterExclusiveAsync();
        _gate.ExitExclusive();
        var model = _model;
        try
        {
            var (sheet, _) = await FoldJournalAsync(model, EmptySet, ToJournalPrecision(asOf));
            return ToSubjectScore(model, AsOf(model, sheet, asOf)) with { OpenDisputes = await services.Disputes.CountOpenAsync(_key, asOf) };
        }
        catch (NpgsqlException exception) when (exception.IsTransient)
        {
            throw DatabaseUnavailable("replay its journal", exception);
        }
    }

    /// <summary>
    /// The sheet as a read at <paramref name="time"/> answers it: without the adverse records that expired by then
    /// (ScoringEngine.LatestDueExpiry), on a copy, so a read never writes and a quiet subject's obsolete record stops
    /// counting when it expires, not at its next signal.
    /// </summary>
    private static ScoreSheet AsOf(ScoringModel model, ScoreSheet sheet, DateTimeOffset time)
    {
        if (ScoringEngine.LatestDueExpiry(sheet, time) is not { } due)
        {
            return sheet;
        }

        var view = sheet.Copy();
        ScoringEngine.AdvanceClock(model, view, due);
        return view;
    }

    /// <summary>
    /// Folds the subject's whole journal into a new sheet, leaving out the <paramref name="retracted"/> signals and those
    /// retracted in the journal by <paramref name="recordedBy"/>; entries recorded later are not read. Returns the sheet
    /// with every signal it left out. A retraction met after its signal was folded takes a second pass.
    /// </summary>
    private async Task<(ScoreSheet Sheet, IReadOnlySet<string> Retracted)> FoldJournalAsync(ScoringModel model, IReadOnlySet<string> retracted, DateTimeOffset recordedBy)
    {
        var sheet = ScoreSheet.Start(model);
        HashSet<string>? found = null;
        await foreach (var entry in services.JournalReader.ReadAfterAsync(_key, 0))
        {
            if (entry.RecordedAt > recordedBy)
            {
                continue;
            }

            if (JournalFold.RetractedBy(entry) is { } signalId)
            {
                if (!retracted.Contains(signalId))
                {
                    (found ??= new HashSet<string>(retracted, StringComparer.Ordinal)).Add(signalId);
                }

                continue;
            }

            JournalFold.Apply(model, sheet, entry, retracted);
        }

        return found is null ? (sheet, retracted) : await FoldJournalAsync(model, found, recordedBy);
    }

    public async Task<DisputeOpening> OpenDisputeAsync(string signalId, string reason, string openedBy)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(signalId);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        ArgumentException.ThrowIfNullOrEmpty(openedBy);
        RequireJournal("A dispute");

        // Exclusive: every acknowledged signal is committed (so it can be disputed at once), and an open never races
        // with another open or a resolution of this subject.
        await EnterExclusiveAsync();
        try
        {
            ThrowIfAheadOfStorage();
            if (_state.Retracted?.Contains(signalId) == true)
            {
                throw new InvalidOperationException($"Signal {signalId} of {_key} was already retracted after a dispute; it no longer counts.");
            }

            var now = ToJournalPrecision(services.Time.GetUtcNow());
            var opened = signalId[0] == ScoringEngine.ReservedPrefix
                ? null
                : await services.Disputes.OpenAsync(_key, signalId, reason, openedBy, now, now + _model.DisputePeriod);
            if (opened is not { } row)
            {
                throw new KeyNotFoundException($"signalId {signalId} is not a signal in the journal of {_key}.");
            }

            var dispute = row.Row.ToDispute(now);
            if (row.Created)
            {
                _openDisputes = null; // counted again on the next read
                _watchers?.Notify(o => o.OnDispute(dispute));
            }

            return new DisputeOpening(dispute, row.Created);
        }
        catch (NpgsqlException exception) when (exception.IsTransient)
        {
            throw DatabaseUnavailable("open a dispute", exception);
        }
        finally
        {
            _gate.ExitExclusive();
        }
    }

    public async Task<Dispute> ResolveDisputeAsync(Guid disputeId, string outcome, string note, string resolvedBy)
    {
        ArgumentNullException.ThrowIfNull(note);
        ArgumentException.ThrowIfNullOrEmpty(resolvedBy);
        if (!DisputeStatus.IsOutcome(outcome))
        {
            throw new ArgumentException($"outcome must be \"{DisputeStatus.Upheld}\" or \"{DisputeStatus.Retracted}\".", nameof(outcome));
        }

        RequireJournal("A dispute");
        await EnterExclusiveAsync();
        FoldedSignals? retraction = null;
        Dispute resolved;
        try
        {
            ThrowIfAheadOfStorage();
            var row = await services.Disputes.GetAsync(disputeId) ?? throw new KeyNotFoundException($"Dispute {disputeId} does not exist.");
            if (!string.Equals(row.SubjectKey, _key, StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"Dispute {disputeId} is not one of {_key}'s.");
            }

            var now = ToJournalPrecision(services.Time.GetUtcNow());
            if (row.Status != DisputeStatus.Open)
            {
                // A retry of a resolution that succeeded answers it; the other outcome cannot replace it.
                return row.Status == outcome
                    ? row.ToDispute(now)
                    : throw new InvalidOperationException($"Dispute {disputeId} was already resolved as {row.Status}.");
            }

            // A retraction journaled by an earlier attempt whose row update failed is not journaled twice.
            if (outcome == DisputeStatus.Retracted && _state.Retracted?.Contains(row.SignalId) != true)
            {
                retraction = await RetractAsync(row, now);
            }

            var closed = await services.Disputes.ResolveAsync(disputeId, outcome, note, resolvedBy, now)
                ?? throw new InvalidOperationException($"Dispute {disputeId} was resolved meanwhile.");
            _openDisputes = null;
            resolved = closed.ToDispute(now);
        }
        catch (NpgsqlException exception) when (exception.IsTransient)
        {
            throw DatabaseUnavailable("resolve a dispute", exception);
        }
        finally
        {
            _gate.ExitExclusive();
        }

        _watchers?.Notify(o => o.OnDispute(resolved));
        if (retraction is { } fold)
        {
            PublishChanges(fold);
        }

        return resolved;
    }

    /// <summary>
    /// Journals the retraction of a disputed signal and swaps in the sheet folded without it: the score of a twin subject
    /// that never received it. The retraction entry carries the effect (score and band before and after); when the band
    /// changes, its crossing names the retraction as its first reason. Called exclusively; memory changes only once the
    /// entry is committed.
    /// </summary>
    private async Task<FoldedSignals> RetractAsync(DisputeRow dispute, DateTimeOffset now)
    {
        var retracted = new HashSet<string>(_state.Retracted ?? [], StringComparer.Ordinal) { dispute.SignalId };
        var (sheet, all) = await FoldJournalAsync(_model, retracted, DateTimeOffset.MaxValue);
        var fold = await JournalOwnEntryAsync(
            JournalFold.RetractionId(dispute.SignalId), JournalFold.RetractionType, now, "dispute:" + dispute.Id.ToString(), sheet, now,
            entry => new ScoreReason(
                "R-" + JournalFold.RetractionType,
                $"Signal {dispute.SignalId} was retracted after a dispute and no longer counts.",
                entry.ScoreAfter - entry.ScoreBefore,
                dispute.SignalId,
                dispute.SignalType));
        _state.Retracted = new HashSet<string>(all, StringComparer.Ordinal);
        _expiriesChecked = -1; // its adverse record may have been the one the reminder waits for
        services.Logger.LogInformation("{Subject}: signal {SignalId} retracted after dispute {DisputeId}; score {Before} -> {After}", _key, dispute.SignalId, dispute.Id, fold.Entries[0].ScoreBefore, fold.Entries[0].ScoreAfter);
        return fold;
    }

    /// <summary>
    /// Journals one of the journal's own entries (a retraction, an expiry) whose effect is <paramref name="sheet"/>, with
    /// a crossing whose first reason is <paramref name="cause"/> when the band changes, then swaps the sheet in. Called
    /// exclusively; memory changes only once the entry is committed.
    /// </summary>
    private async Task<FoldedSignals> JournalOwnEntryAsync(
        string signalId, string type, DateTimeOffset occurredAt, string source, ScoreSheet sheet, DateTimeOffset now, Func<JournalEntry, ScoreReason> cause)
    {
        var entry = new JournalEntry(
            _key, _state.JournalPosition + 1, signalId, type, null, occurredAt, source,
            Sheet.Score, sheet.Score, Sheet.Band, sheet.Band, _model.Version, now);
        var fold = new FoldedSignals { Outcomes = [], Entries = [entry], CrossingSequences = [] };
        if (!string.Equals(entry.BandBefore, entry.BandAfter, StringComparison.Ordinal))
        {
            List<ScoreReason> reasons = [cause(entry), .. ToScoreReasons(ScoringEngine.Explain(_model, sheet, SubjectScore.PrincipalReasons - 1).Reasons)];
            fold.Crossings = [CrossingFor(entry, reasons)];
            fold.CrossingReasons = [reasons];
        }

        try
        {
            fold.CrossingSequences = await services.Journal.AppendAsync(fold.Entries, fold.Crossings ?? [], null, _forgetCommitted ??= ForgetCommitted);
        }
        catch (Exception exception)
        {
            MarkAheadOfStorage(exception); // committed or not: the next activation replays whichever it was
            throw;
        }

        _state.Sheet = sheet;
        _state.JournalPosition = entry.Seq;
        _sinceSnapshot++;
        return fold;
    }

    /// <summary>
    /// The reminder's tick: journals the expiry of the adverse records due by now as one <c>$expiry</c> entry at the
    /// latest of their expiry times (what a read already answers, on a copy), with the crossing it causes, then sets the
    /// reminder for the next band-moving expiry or removes it.
    /// </summary>
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != ExpiryReminder)
        {
            return;
        }

        FoldedSignals? expiry = null;
        if (Mode == PersistenceMode.Journal)
        {
            await EnterExclusiveAsync();
            try
            {
                var now = ToJournalPrecision(services.Time.GetUtcNow());
                if (!_aheadOfStorage && ScoringEngine.LatestDueExpiry(Sheet, now) is { } due)
                {
                    expiry = await JournalExpiryAsync(due, now);
                }
            }
            finally
            {
                _gate.ExitExclusive();
            }
        }

        if (expiry is { } fold)
        {
            PublishChanges(fold);
        }

        _state.ExpiryReminderAtTicks = 0;
        _expiriesChecked = -1;
        if (ExpiryNeedingReminder() is var next and not 0)
        {
            await SetExpiryReminderAsync(next);
        }
        else if (await this.GetReminder(ExpiryReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    private Task<FoldedSignals> JournalExpiryAsync(DateTimeOffset due, DateTimeOffset now)
    {
        var sheet = Sheet.Copy();
        ScoringEngine.AdvanceClock(_model, sheet, due);

        // The largest adverse record among those that expired names the reason.
        var expired = (Sheet.Impacts ?? []).Where(i => i.ExpiresAtTicks != 0 && i.ExpiresAtTicks <= due.UtcTicks).OrderBy(i => i.Impact).FirstOrDefault();
        var description = expired.Type is null
            ? "Adverse records older than the model's retention expired and no longer count."
            : $"{(_model.TryGetRule(expired.Type, out var rule) ? rule.Description : expired.Type)} ({expired.SignalId}) is older than the model's retention and no longer counts.";
        return JournalOwnEntryAsync(
            JournalFold.ExpiryId(due), JournalFold.ExpiryType, due, "expiry", sheet, now,
            entry => new ScoreReason("R-" + JournalFold.ExpiryType, description, entry.ScoreAfter - entry.ScoreBefore, expired.SignalId, expired.Type));
    }

    /// <summary>
    /// The next expiry of an adverse record that moves the subject's band, when no reminder is set for it or for an
    /// earlier time; else 0. Only band-moving expiries get a reminder, and only when that time moves earlier, so a
    /// subject's stream of small adverse signals costs no reminder write each.
    /// </summary>
    private long ExpiryNeedingReminder()
    {
        if (Mode != PersistenceMode.Journal || Sheet.Negatives is not { Count: > 0 } negatives)
        {
            return 0;
        }

        var signature = (long)negatives.Count;
        foreach (var record in negatives)
        {
            signature = unchecked((signature * 31) + record.ExpiresAtTicks);
        }

        if (signature == _expiriesChecked)
        {
            return 0;
        }

        _expiriesChecked = signature;
        var next = NextBandMovingExpiry(_model, Sheet);
        var set = _state.ExpiryReminderAtTicks;
        return next != 0 && (set == 0 || next < set) ? next : 0;
    }

    private static long NextBandMovingExpiry(ScoringModel model, ScoreSheet sheet)
    {
        foreach (var at in sheet.Negatives!.Select(n => n.ExpiresAtTicks).Where(t => t > sheet.ClockTicks).Distinct().Order())
        {
            var view = sheet.Copy();
            ScoringEngine.AdvanceClock(model, view, new DateTimeOffset(at, TimeSpan.Zero));
            if (!string.Equals(view.Band, sheet.Band, StringComparison.Ordinal))
            {
                return at;
            }
        }

        return 0;
    }

    /// <summary>Sets the expiry reminder; a failure is logged, not thrown: the signals that asked for it are stored.</summary>
    private async Task SetExpiryReminderAsync(long atTicks)
    {
        var dueIn = new DateTimeOffset(atTicks, TimeSpan.Zero) - services.Time.GetUtcNow();
        try
        {
            // Expiries are years away, and a timer's due time is limited to ~49 days (System.Threading.Timer, which
            // Orleans' reminder checks follow): wake at most 40 days on; a tick before the expiry journals nothing and
            // sets the reminder again. The period is a backstop (a tick lost with its silo comes again a day later).
            var due = dueIn < MinReminderDue ? MinReminderDue : dueIn > MaxReminderDue ? MaxReminderDue : dueIn;
            await this.RegisterOrUpdateReminder(ExpiryReminder, due, TimeSpan.FromDays(1));
            _state.ExpiryReminderAtTicks = atTicks;
        }
        catch (Exception exception)
        {
            _expiriesChecked = -1; // try again at the next signal
            services.Logger.LogWarning(exception, "{Subject} could not set its expiry reminder for {At:O}", _key, new DateTimeOffset(atTicks, TimeSpan.Zero));
        }
    }

    private static readonly TimeSpan MinReminderDue = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan MaxReminderDue = TimeSpan.FromDays(40);

    private void RequireJournal(string what)
    {
        if (Mode != PersistenceMode.Journal)
        {
            throw new NotSupportedException($"{what} needs the journal (ScoreGrains:PersistenceMode=journal).");
        }
    }

    public async Task<ErasureReceipt> EraseAsync(string erasedBy)
    {
        ArgumentException.ThrowIfNullOrEmpty(erasedBy);
        if (Mode == PersistenceMode.Memory)
        {
            throw new NotSupportedException("Erasure removes what is stored about a subject; in-memory mode stores nothing (ScoreGrains:PersistenceMode).");
        }

        // Exclusive, and never left: once the rows are gone this activation's memory describes a subject that no
        // longer exists, so every call still waiting here fails as "ahead of storage" and its retry reaches a new,
        // empty activation; the deactivation writes no snapshot for the same reason.
        await EnterExclusiveAsync();
        SubjectErasure erasure;
        try
        {
            erasure = await services.Eraser.EraseAsync(_key, this.GetGrainId().ToString(), erasedBy);
        }
        catch (Exception exception)
        {
            _gate.ExitExclusive(); // nothing was erased (one transaction): the subject goes on as it was
            if (exception is NpgsqlException { IsTransient: true } unavailable)
            {
                throw DatabaseUnavailable("be erased", unavailable);
            }

            throw;
        }

        _aheadOfStorage = true;
        _sinceSnapshot = 0;
        DeactivateOnIdle();
        _gate.ExitExclusive();
        services.Logger.LogInformation("{Subject} erased at the request of {ErasedBy}: {JournalRows} journal rows, {Crossings} crossings anonymised", _key, erasedBy, erasure.JournalRows, erasure.Crossings);
        return new ErasureReceipt(erasure.Erased, erasure.KeySha256, erasure.ErasedAt, erasure.ErasedBy, erasure.JournalRows, erasure.Crossings);
    }

    private SubjectScore ToSubjectScore(ScoringModel model, ScoreSheet sheet)
    {
        var explanation = ScoringEngine.Explain(model, sheet, SubjectScore.PrincipalReasons);
        return new SubjectScore(
            _kind,
            SubjectId,
            explanation.Score,
            explanation.Band,
            explanation.ModelVersion,
            explanation.SignalCount,
            [.. explanation.Dimensions.Select(d => new DimensionBreakdown(d.Name, d.Points, d.Cap, d.Weight, d.Contribution))],
            ToScoreReasons(explanation.Reasons));
    }

    /// <summary>Ids of signals that left the recent-id ring but are in the journal: retries of old signals.</summary>
    private ValueTask<IReadOnlySet<string>> FindForgottenDuplicatesAsync(IReadOnlyList<SubjectSignal> signals, UInt128[] ids)
    {
        if (Mode != PersistenceMode.Journal)
        {
            return new(EmptySet);
        }

        List<string>? uncertain = null;
        var window = _state.RecentSignalIds;
        for (var i = 0; i < signals.Count; i++)
        {
            var signal = signals[i];
            // The cheap test first: most subjects never overflowed their ring, and the fold scans the ring anyway.
            if (window.MayHaveForgotten(signal.SignalId, ids[i], ToJournalPrecision(signal.OccurredAt), _verifyForgotten) && !window.Contains(ids[i]))
            {
                (uncertain ??= []).Add(signal.SignalId);
            }
        }

        return uncertain is null ? new(EmptySet) : new(services.RecordedSignals.FindRecordedAsync(_key, uncertain));
    }

    private async Task ReplayJournalAsync(CancellationToken cancellationToken)
    {
        var replayed = 0;
        var refold = false;
        await foreach (var entry in ReadJournalAfterPositionAsync(cancellationToken))
        {
            // Replay folds each entry exactly as when it was applied, in journal order (JournalFold).
            if (JournalFold.RetractedBy(entry) is { } retracted)
            {
                // The retracted signal may be folded in the snapshot: fold the whole journal again without it, below.
                refold |= (_state.Retracted ??= new HashSet<string>(StringComparer.Ordinal)).Add(retracted);
            }
            else
            {
                JournalFold.Apply(_model, Sheet, entry, _state.Retracted);
                if (!JournalFold.IsOwn(entry))
                {
                    _state.RecentSignalIds.Add(entry.SignalId, SignalIdWindow.Hash(entry.SignalId), entry.OccurredAt, services.Options.DeduplicationWindow);
                }
            }

            _state.JournalPosition = entry.Seq;
            replayed++;
        }

        if (refold)
        {
            _state.Sheet = (await FoldJournalAsync(_model, _state.Retracted!, DateTimeOffset.MaxValue)).Sheet;
        }

        _sinceSnapshot = replayed;
    }

    /// <summary>
    /// The journal after the state's position: first what grain storage read with the snapshot at activation
    /// (<see cref="SubjectStateStorage"/>), if it read after this very position, then from the journal itself.
    /// </summary>
    private async IAsyncEnumerable<JournalEntry> ReadJournalAfterPositionAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var after = _state.JournalPosition;
        if (_state.ReadTail is { } read)
        {
            _state.ReadTail = null;
            if (read.AfterSeq == after)
            {
                foreach (var entry in read.Entries)
                {
                    yield return entry;
                    after = entry.Seq;
                }

                if (read.Complete)
                {
                    yield break;
                }
            }
        }

        await foreach (var entry in services.JournalReader.ReadAfterAsync(_key, after, cancellationToken: cancellationToken))
        {
            yield return entry;
        }
    }

    private static ActivationSource ActivationSourceOf(bool snapshot, bool replayed) => (snapshot, replayed) switch
    {
        (true, true) => ActivationSource.SnapshotReplay,
        (true, false) => ActivationSource.Snapshot,
        (false, true) => ActivationSource.Replay,
        _ => ActivationSource.None,
    };

    private async Task ReadStateAsync()
    {
        var stored = new GrainState<SubjectState>();
        try
        {
            await services.StateStorage.ReadStateAsync(StorageNames.SubjectState, this.GetGrainId(), stored);
        }
        catch (Exception exception) when (exception is not OrleansException)
        {
            // As Orleans' own state bridge does: the caller of a subject whose activation failed sees an OrleansException.
            throw new OrleansException($"Reading the stored state of {_key} failed: {exception.Message}", exception);
        }

        _state = stored.State ?? new SubjectState();
        _etag = stored.ETag;
    }

    private async Task WriteStateAsync()
    {
        var stored = new GrainState<SubjectState>(_state, _etag!);
        try
        {
            await services.StateStorage.WriteStateAsync(StorageNames.SubjectState, this.GetGrainId(), stored);
        }
        catch (Exception exception) when (exception is not OrleansException)
        {
            throw new OrleansException($"Writing the stored state of {_key} failed: {exception.Message}", exception);
        }

        _etag = stored.ETag;
    }

    /// <summary>Writes a snapshot when at least <paramref name="due"/> signals were committed since the last one.</summary>
    private async Task SnapshotAsync(int due)
    {
        await EnterExclusiveAsync();
        try
        {
            // Another call may have taken the snapshot while this one waited; memory ahead of storage never is one; and
            // while another subject's snapshot failed moments ago (SnapshotPause), none is tried, deactivation's included.
            if (_aheadOfStorage || _sinceSnapshot == 0 || _sinceSnapshot < due || services.SnapshotPause.IsPaused)
            {
                return;
            }

            await WriteStateAsync();
            _sinceSnapshot = 0;
            _snapshotAt = services.Time.GetTimestamp();
        }
        catch (Exception exception)
        {
            // The journal already holds every acknowledged signal; a missed snapshot only makes replay longer.
            services.SnapshotPause.Failed();
            services.Logger.LogWarning(exception, "Snapshot of {Subject} failed; the journal still holds its signals, and this silo's subjects take no snapshot for {Pause}", _key, services.SnapshotPause.Length);
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

    /// <summary>
    /// Counts the stored signals, moves the subject in the band tally (in every mode: per-signal and in-memory ones publish
    /// no crossing) and tells the crossing sinks and this subject's watchers.
    /// </summary>
    private void Publish(FoldedSignals fold)
    {
        if (fold.Entries.Count == 0)
        {
            return;
        }

        services.Counters.AddSignals(_kind, fold.Entries.Count);
        PublishChanges(fold);
    }

    /// <summary>Moves the subject in the band tally and tells the crossing sinks and this subject's watchers.</summary>
    private void PublishChanges(FoldedSignals fold)
    {
        if (_talliedBand is { } talliedBand && !string.Equals(talliedBand, Sheet.Band, StringComparison.Ordinal))
        {
            services.BandTally.Crossed(_kind, talliedBand, Sheet.Band);
            _talliedBand = Sheet.Band;
        }

        var sequences = fold.CrossingSequences;
        List<Crossing>? published = null;
        for (var i = 0; i < sequences.Count; i++)
        {
            var record = fold.Crossings![i];
            var crossing = new Crossing(
                sequences[i], _kind, SubjectId, record.OldScore, record.NewScore, record.OldBand, record.NewBand, record.ModelVersion,
                record.SignalId, record.SignalType, fold.CrossingReasons![i], record.OccurredAt, record.RecordedAt);
            (published ??= []).Add(crossing);
            foreach (var sink in services.CrossingSinks)
            {
                sink.Publish(crossing);
            }
        }

        if (_watchers is not { Count: > 0 } watchers)
        {
            return;
        }

        var subjectId = SubjectId;
        var changes = fold.Entries.ConvertAll(e => new ScoreChange(_kind, subjectId, e.Seq, e.SignalId, e.SignalType, e.ScoreBefore, e.ScoreAfter, e.BandAfter, e.RecordedAt));
        watchers.Notify(o => o.OnScoreChanged(changes));
        foreach (var crossing in published ?? [])
        {
            watchers.Notify(o => o.OnCrossing(crossing));
        }
    }

    /// <summary>
    /// PostgreSQL keeps microseconds: fold, dedupe and journal the time that replay will read back, or a
    /// replayed score can differ in its last bit.
    /// </summary>
    private static DateTimeOffset ToJournalPrecision(DateTimeOffset time) => JournalCopyBuffer.ToStoredPrecision(time);

    /// <summary>Each signal id hashed once for the id ring and filter, which look it up more than once per signal.</summary>
    private static UInt128[] HashIds(IReadOnlyList<SubjectSignal> signals)
    {
        var ids = new UInt128[signals.Count];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = SignalIdWindow.Hash(signals[i].SignalId);
        }

        return ids;
    }

    private static List<ScoreReason> ToScoreReasons(IReadOnlyList<ReasonCode> reasons) =>
        [.. reasons.Select(r => new ScoreReason(r.Code, r.Description, r.Impact, r.SignalId, r.SignalType))];

    private static readonly IReadOnlySet<string> EmptySet = new HashSet<string>();

    /// <summary>What one call's fold produced; the crossings' global sequences once the journal committed them.</summary>
    private struct FoldedSignals
    {
        public SignalOutcome[] Outcomes;
        public List<JournalEntry> Entries;
        public List<CrossingRecord>? Crossings;
        public List<List<ScoreReason>>? CrossingReasons;
        public IReadOnlyList<long> CrossingSequences;
    }
}
