using System.Collections.Concurrent;
using ScoreGrains.Contracts;

namespace ScoreGrains.LoadTest.Cluster;

/// <summary>
/// Every signal sent and every one acknowledged (applied, or duplicate: a retry found it stored), per subject, for
/// the check against the journal. Unlike the scores check's ledger it needs no order: a signal whose answer was lost
/// was applied where it first arrived, so the journal's order is the truth and the check folds in that order.
/// </summary>
public sealed class ClusterLedger
{
    private readonly ConcurrentDictionary<string, Subject> _subjects = new(StringComparer.Ordinal);

    public ICollection<string> SubjectKeys => _subjects.Keys;

    public long AcknowledgedCount => _subjects.Values.Sum(s => { lock (s) { return (long)s.Acknowledged.Count; } });

    public void OnSent(IReadOnlyList<SignalInput> batch)
    {
        foreach (var signal in batch)
        {
            var subject = Get(signal);
            lock (subject)
            {
                subject.Sent.TryAdd(signal.SignalId!, signal);
            }
        }
    }

    public void OnAcknowledged(IReadOnlyList<SignalInput> items, IReadOnlyList<SignalOutcome> outcomes)
    {
        for (var i = 0; i < items.Count; i++)
        {
            if (outcomes[i].Status is SignalStatus.Applied or SignalStatus.Duplicate)
            {
                var subject = Get(items[i]);
                lock (subject)
                {
                    subject.Acknowledged.Add(items[i].SignalId!);
                }
            }
        }
    }

    /// <summary>The subject's sent signals by id and the ids acknowledged.</summary>
    public (IReadOnlyDictionary<string, SignalInput> Sent, IReadOnlySet<string> Acknowledged) For(string subjectKey)
    {
        var subject = _subjects[subjectKey];
        lock (subject)
        {
            return (new Dictionary<string, SignalInput>(subject.Sent, StringComparer.Ordinal), new HashSet<string>(subject.Acknowledged, StringComparer.Ordinal));
        }
    }

    private Subject Get(SignalInput signal) => _subjects.GetOrAdd(SubjectKey.Format(signal.Subject!.Kind!, signal.Subject.Id!), _ => new Subject());

    private sealed class Subject
    {
        public Dictionary<string, SignalInput> Sent { get; } = new(StringComparer.Ordinal);

        public HashSet<string> Acknowledged { get; } = new(StringComparer.Ordinal);
    }
}
