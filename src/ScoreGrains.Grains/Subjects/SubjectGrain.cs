using Microsoft.Extensions.Options;
using ScoreGrains.Contracts;
using ScoreGrains.Grains.Hosting;
using ScoreGrains.Scoring;

namespace ScoreGrains.Grains.Subjects;

/// <summary>
/// One scored subject. Folds each signal into its score sheet in memory and writes its state through Orleans'
/// ADO.NET grain storage before it answers: an applied outcome means the signal is durable.
/// </summary>
internal sealed class SubjectGrain(
    [PersistentState(StorageNames.SubjectState, StorageNames.Subjects)] IPersistentState<SubjectState> state,
    ModelCatalog models,
    TimeProvider time,
    IOptions<ScoreGrainsOptions> options) : Grain, ISubjectGrain
{
    private readonly int _window = options.Value.DeduplicationWindow;
    private readonly bool _durable = options.Value.Persistence != PersistenceMode.Memory;
    private string _kind = "";
    private string _id = "";
    private ScoringModel _model = null!;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (_kind, _id) = SubjectKey.Parse(this.GetPrimaryKeyString());
        if (!SubjectKinds.TryParse(_kind, out var kind))
        {
            throw new ArgumentException($"Unknown subject kind '{_kind}' in grain key '{this.GetPrimaryKeyString()}'.");
        }

        _model = models.For(kind);
        state.State.Sheet ??= ScoreSheet.Start(_model);
        return Task.CompletedTask;
    }

    public async Task<IReadOnlyList<SignalOutcome>> ApplyAsync(IReadOnlyList<SubjectSignal> signals)
    {
        var sheet = state.State.Sheet!;
        var recent = state.State.RecentSignalIds;
        var now = time.GetUtcNow();
        var outcomes = new SignalOutcome[signals.Count];
        var applied = 0;

        for (var i = 0; i < signals.Count; i++)
        {
            var signal = signals[i];
            if (recent.Contains(signal.SignalId))
            {
                outcomes[i] = new SignalOutcome(signal.SignalId, SignalStatus.Duplicate, Score: sheet.Score, Band: sheet.Band);
                continue;
            }

            var scoring = new ScoringSignal(signal.SignalId, signal.Type, signal.Value, signal.OccurredAt);
            if (ScoringEngine.Validate(_model, scoring, now) is { } rejection)
            {
                outcomes[i] = SignalOutcome.Rejected(signal.SignalId, rejection.Field, rejection.Code, rejection.Message);
                continue;
            }

            var effect = ScoringEngine.Apply(_model, sheet, scoring);
            recent.Add(signal.SignalId, _window);
            applied++;
            outcomes[i] = new SignalOutcome(signal.SignalId, SignalStatus.Applied, Score: effect.ScoreAfter, Band: effect.BandAfter);
        }

        if (applied > 0 && _durable)
        {
            await PersistAsync();
        }

        return outcomes;
    }

    public Task<SubjectScore> GetScoreAsync()
    {
        var explanation = ScoringEngine.Explain(_model, state.State.Sheet!);
        return Task.FromResult(new SubjectScore(
            _kind,
            _id,
            explanation.Score,
            explanation.Band,
            explanation.ModelVersion,
            explanation.SignalCount,
            [.. explanation.Dimensions.Select(d => new DimensionBreakdown(d.Name, d.Points, d.Cap, d.Weight, d.Contribution))],
            [.. explanation.Reasons.Select(r => new ScoreReason(r.Code, r.Description, r.Impact, r.SignalId, r.SignalType))]));
    }

    private async Task PersistAsync()
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // The in-memory sheet is ahead of storage now. Drop this activation so the next call starts again
            // from what storage holds: no outcome of this call was acknowledged.
            DeactivateOnIdle();
            throw;
        }
    }
}
