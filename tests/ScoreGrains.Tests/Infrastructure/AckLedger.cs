using ScoreGrains.Contracts;
using ScoreGrains.Scoring;

namespace ScoreGrains.Tests.Infrastructure;

/// <summary>
/// What a producer was told: every acknowledged signal (applied or duplicate), per subject, in the order the
/// subject acknowledged it. <see cref="Fold"/> scores a subject independently of the cluster from it.
/// </summary>
public sealed class AckLedger
{
    private readonly Dictionary<string, List<SignalInput>> _acked = new(StringComparer.Ordinal);

    public IReadOnlyCollection<string> Subjects => _acked.Keys;

    public int Count => _acked.Values.Sum(list => list.Count);

    /// <summary>Records the acknowledged items of a batch; returns the ones that were not acknowledged.</summary>
    public List<SignalInput> Record(IReadOnlyList<SignalInput> batch, IReadOnlyList<SignalOutcome> outcomes)
    {
        var unacknowledged = new List<SignalInput>();
        for (var i = 0; i < batch.Count; i++)
        {
            if (outcomes[i].Status is SignalStatus.Applied or SignalStatus.Duplicate)
            {
                var key = SubjectKey.Format(batch[i].Subject!.Kind!, batch[i].Subject!.Id!);
                if (!_acked.TryGetValue(key, out var list))
                {
                    _acked[key] = list = [];
                }

                list.Add(batch[i]);
            }
            else
            {
                unacknowledged.Add(batch[i]);
            }
        }

        return unacknowledged;
    }

    /// <summary>The subject's score from folding exactly its acknowledged signals, each once, in order.</summary>
    public (double Score, int Count) Fold(string subjectKey, ModelCatalog models) => FoldSignals(subjectKey, _acked[subjectKey], models);

    /// <summary>
    /// The ids of the subject's acknowledged signals, each once. A signal whose answer was lost and that a retry found
    /// stored ("duplicate") was applied where it first arrived, not where the ledger heard of it: where that can happen,
    /// check the set against the journal and fold in the journal's order (<see cref="FoldInOrder"/>).
    /// </summary>
    public IReadOnlySet<string> AcknowledgedIds(string subjectKey) => _acked[subjectKey].Select(s => s.SignalId!).ToHashSet(StringComparer.Ordinal);

    /// <summary>The subject's score from folding its acknowledged signals in the order of <paramref name="signalIds"/>.</summary>
    public (double Score, int Count) FoldInOrder(string subjectKey, IReadOnlyList<string> signalIds, ModelCatalog models)
    {
        var byId = new Dictionary<string, SignalInput>(StringComparer.Ordinal);
        foreach (var signal in _acked[subjectKey])
        {
            byId.TryAdd(signal.SignalId!, signal);
        }

        return FoldSignals(subjectKey, [.. signalIds.Select(id => byId[id])], models);
    }

    private static (double Score, int Count) FoldSignals(string subjectKey, IEnumerable<SignalInput> signals, ModelCatalog models)
    {
        var (kind, _) = SubjectKey.Parse(subjectKey);
        var model = models.For(SubjectKinds.TryParse(kind, out var subjectKind) ? subjectKind : throw new ArgumentException($"bad kind in {subjectKey}"));
        var sheet = ScoreSheet.Start(model);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var signal in signals)
        {
            if (seen.Add(signal.SignalId!))
            {
                ScoringEngine.Apply(model, sheet, new ScoringSignal(signal.SignalId!, signal.Type!, signal.Value, signal.OccurredAt!.Value));
            }
        }

        return (sheet.Score, seen.Count);
    }
}
