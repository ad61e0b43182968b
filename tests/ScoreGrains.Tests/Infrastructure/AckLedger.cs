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
    public (double Score, int Count) Fold(string subjectKey, ModelCatalog models)
    {
        var (kind, _) = SubjectKey.Parse(subjectKey);
        var model = models.For(SubjectKinds.TryParse(kind, out var subjectKind) ? subjectKind : throw new ArgumentException($"bad kind in {subjectKey}"));
        var sheet = ScoreSheet.Start(model);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var signal in _acked[subjectKey])
        {
            if (seen.Add(signal.SignalId!))
            {
                ScoringEngine.Apply(model, sheet, new ScoringSignal(signal.SignalId!, signal.Type!, signal.Value, signal.OccurredAt!.Value));
            }
        }

        return (sheet.Score, seen.Count);
    }
}
