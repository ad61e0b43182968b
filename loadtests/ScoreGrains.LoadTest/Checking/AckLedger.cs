using System.Collections.Concurrent;
using ScoreGrains.Contracts;
using ScoreGrains.Scoring;

namespace ScoreGrains.LoadTest.Checking;

/// <summary>Everything the cluster acknowledged, per subject, for the check at the end of the run.</summary>
public sealed class AckLedger
{
    private readonly ConcurrentDictionary<string, SubjectHistory> _subjects = new(StringComparer.Ordinal);

    public ICollection<SubjectHistory> Subjects => _subjects.Values;

    public void Record(IReadOnlyList<SignalInput> batch, IngestResult result, long sentAt, long ackedAt)
    {
        foreach (var group in Enumerable.Range(0, batch.Count).GroupBy(i => Key(batch[i]), StringComparer.Ordinal))
        {
            var history = Get(batch[group.First()]);
            var signals = new List<ScoringSignal>();
            var scores = new List<double>();
            var bands = new List<string?>();
            var unexpected = 0;
            var failed = new List<ScoringSignal>();
            foreach (var i in group)
            {
                var input = batch[i];
                var outcome = result.Outcomes[i];
                switch (outcome.Status)
                {
                    case SignalStatus.Applied:
                        signals.Add(new ScoringSignal(input.SignalId!, input.Type!, input.Value, input.OccurredAt!.Value));
                        scores.Add(outcome.Score ?? double.NaN);
                        bands.Add(outcome.Band);
                        break;
                    case SignalStatus.Failed:
                        failed.Add(new ScoringSignal(input.SignalId!, input.Type!, input.Value, input.OccurredAt!.Value));
                        break;
                    default:
                        unexpected++;
                        break;
                }
            }

            lock (history)
            {
                history.Unexpected += unexpected;
                if (failed.Count > 0 && signals.Count > 0)
                {
                    // A subject's share of a batch applies or fails as a whole; a mix means we cannot tell what holds.
                    history.Uncertain = true;
                }

                if (signals.Count > 0)
                {
                    history.Chunks.Add(new AckedChunk(sentAt, ackedAt, [.. signals], [.. scores], [.. bands]));
                }

                if (failed.Count > 0)
                {
                    history.Chunks.Add(new AckedChunk(sentAt, ackedAt, [.. failed], [], [], Failed: true));
                }
            }
        }
    }

    /// <summary>The batch's outcome is unknown (transport error, or still in flight at the end): skip its subjects.</summary>
    public void MarkUncertain(IReadOnlyList<SignalInput> batch)
    {
        foreach (var input in batch)
        {
            var history = Get(input);
            lock (history)
            {
                history.Uncertain = true;
            }
        }
    }

    private SubjectHistory Get(SignalInput input) =>
        _subjects.GetOrAdd(Key(input), _ => new SubjectHistory(input.Subject!.Kind!, input.Subject.Id!));

    private static string Key(SignalInput input) => SubjectKey.Format(input.Subject!.Kind!, input.Subject.Id!);
}
