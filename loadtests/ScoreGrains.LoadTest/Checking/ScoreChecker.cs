using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using ScoreGrains.LoadTest.Targets;
using ScoreGrains.Scoring;

namespace ScoreGrains.LoadTest.Checking;

/// <summary>Compares every touched subject's score read back from the target with the independent fold of its acknowledged signals.</summary>
public sealed class ScoreChecker(ModelCatalog models, ILoadTarget target)
{
    private const int Concurrency = 32;
    private const int MaxExamples = 10;

    public async Task<CheckResult> CheckAsync(AckLedger ledger, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var subjects = ledger.Subjects.ToList();
        long checkedCount = 0, skipped = 0, mismatches = 0, signals = 0, unexpected = 0;
        var examples = new ConcurrentQueue<string>();

        void Mismatch(string text)
        {
            Interlocked.Increment(ref mismatches);
            if (examples.Count < MaxExamples)
            {
                examples.Enqueue(text);
            }
        }

        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(subjects, parallel, async (history, _) =>
        {
            Interlocked.Add(ref unexpected, history.Unexpected);
            Interlocked.Add(ref signals, history.Chunks.Sum(c => c.Signals.Length));
            if (history.Uncertain)
            {
                Interlocked.Increment(ref skipped);
                return;
            }

            SubjectKinds.TryParse(history.Kind, out var kind);
            var model = models.For(kind);
            var key = $"{history.Kind}/{history.Id}";
            var expected = HistoryReplay.Fold(model, history.Chunks);
            var actual = await target.ReadScoreAsync(history.Kind, history.Id);
            Interlocked.Increment(ref checkedCount);
            if (expected is null)
            {
                Mismatch($"{key}: no order of its {history.Chunks.Count} acknowledged batches reproduces the scores the cluster reported");
            }
            else if (actual is null)
            {
                Mismatch($"{key}: {expected.SignalCount} signals acknowledged, but the cluster knows no signal for it");
            }
            else if (!actual.Score.Equals(expected.Score) || actual.Band != expected.Band || actual.SignalCount != expected.SignalCount)
            {
                Mismatch(string.Create(CultureInfo.InvariantCulture,
                    $"{key}: read back {actual.Score:R} {actual.Band} after {actual.SignalCount} signals; independent fold {expected.Score:R} {expected.Band} after {expected.SignalCount}"));
            }
        });

        return new CheckResult(
            subjects.Count,
            signals,
            checkedCount,
            skipped,
            mismatches,
            unexpected,
            Stopwatch.GetElapsedTime(started).TotalSeconds,
            [.. examples]);
    }
}
