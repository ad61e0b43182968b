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

    /// <summary>The histories of the first mismatched subjects, for a bug report (see <see cref="MismatchDump"/>).</summary>
    public IReadOnlyList<string> Dumps { get; private set; } = [];

    public async Task<CheckResult> CheckAsync(AckLedger ledger, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var subjects = ledger.Subjects.ToList();
        long checkedCount = 0, withinRounding = 0, skipped = 0, mismatches = 0, signals = 0, unexpected = 0;
        var examples = new ConcurrentQueue<string>();

        var dumps = new ConcurrentQueue<string>();
        void Mismatch(string text, SubjectHistory history)
        {
            Interlocked.Increment(ref mismatches);
            if (examples.Count < MaxExamples)
            {
                examples.Enqueue(text);
                dumps.Enqueue(MismatchDump.Describe(history, text));
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

            if (!SubjectKinds.TryParse(history.Kind, out var kind))
            {
                Mismatch($"{history.Kind}/{history.Id}: unknown kind", history);
                return;
            }

            var model = models.For(kind);
            var key = $"{history.Kind}/{history.Id}";
            var (expected, exact) = HistoryReplay.Fold(model, history.Chunks, failedMayApply: false);
            if (expected is not null && !exact)
            {
                Interlocked.Increment(ref withinRounding);
            }

            var actual = await target.ReadScoreAsync(history.Kind, history.Id);
            Interlocked.Increment(ref checkedCount);
            var failedChunks = history.Chunks.Count(c => c.Failed);
            if (expected is null && failedChunks > 0 && HistoryReplay.Fold(model, history.Chunks, failedMayApply: true).Sheet is not null)
            {
                Mismatch($"{key}: signals answered \"failed\" were applied after all: only counting some of its {failedChunks} failed batch shares reproduces the scores reported later", history);
            }
            else if (expected is null)
            {
                Mismatch($"{key}: no order of its {history.Chunks.Count} acknowledged batch shares reproduces the scores the cluster reported", history);
            }
            else if (actual is null && expected.SignalCount == 0)
            {
                // Every signal of it failed: nothing to compare.
            }
            else if (actual is null)
            {
                Mismatch($"{key}: {expected.SignalCount} signals acknowledged, but the cluster knows no signal for it", history);
            }
            else if (!(exact ? actual.Score.Equals(expected.Score) : Math.Abs(actual.Score - expected.Score) <= HistoryReplay.Rounding) || actual.Band != expected.Band || actual.SignalCount != expected.SignalCount)
            {
                Mismatch(string.Create(CultureInfo.InvariantCulture,
                    $"{key}: read back {actual.Score:R} {actual.Band} after {actual.SignalCount} signals; independent fold {expected.Score:R} {expected.Band} after {expected.SignalCount}"),
                    history);
            }
        });

        Dumps = [.. dumps];
        return new CheckResult(
            subjects.Count,
            signals,
            checkedCount,
            withinRounding,
            skipped,
            mismatches,
            unexpected,
            Stopwatch.GetElapsedTime(started).TotalSeconds,
            [.. examples]);
    }
}
