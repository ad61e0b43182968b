using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Npgsql;
using ScoreGrains.Contracts;
using ScoreGrains.LoadTest.Targets;
using ScoreGrains.Scoring;

namespace ScoreGrains.LoadTest.Cluster;

/// <summary>
/// After a cluster run: for every subject, the journal holds each acknowledged signal exactly once and nothing that
/// was never sent, and the score the cluster reads back is, bit for bit, the fold of the journaled signals in journal
/// order (the independent engine, not the cluster's). A signal stored but never acknowledged (its retries gave up) is
/// allowed and counted.
/// </summary>
public static class JournalCheck
{
    private const int SubjectsPerQuery = 500;
    private const int MaxExamples = 10;

    public static async Task<JournalCheckResult> RunAsync(string connectionString, ClusterLedger ledger, ILoadTarget target, ModelCatalog models, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        long signals = 0, lost = 0, doubled = 0, unknown = 0, storedUnacknowledged = 0, mismatches = 0;
        var examples = new ConcurrentQueue<string>();
        void Problem(ref long counter, string text)
        {
            Interlocked.Increment(ref counter);
            if (examples.Count < MaxExamples)
            {
                examples.Enqueue(text);
            }
        }

        var keys = ledger.SubjectKeys.ToList();
        await using var data = NpgsqlDataSource.Create(connectionString);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(keys.Chunk(SubjectsPerQuery), parallel, async (chunk, token) =>
        {
            var journals = await ReadJournalAsync(data, chunk, token);
            foreach (var key in chunk)
            {
                var (sent, acknowledged) = ledger.For(key);
                var journal = journals.GetValueOrDefault(key) ?? [];
                Interlocked.Add(ref signals, journal.Count);
                if (journal.Count != journal.Distinct(StringComparer.Ordinal).Count())
                {
                    Problem(ref doubled, $"{key}: a signal is in the journal twice");
                }

                foreach (var id in acknowledged.Except(journal))
                {
                    Problem(ref lost, $"{key}: {id} was acknowledged but is not in the journal");
                }

                foreach (var id in journal.Where(id => !sent.ContainsKey(id)))
                {
                    Problem(ref unknown, $"{key}: {id} is in the journal but was never sent");
                }

                Interlocked.Add(ref storedUnacknowledged, journal.Count(id => sent.ContainsKey(id) && !acknowledged.Contains(id)));
                if (journal.Count == 0 || !journal.All(sent.ContainsKey))
                {
                    continue;
                }

                var (kind, subjectId) = SubjectKey.Parse(key);
                var expected = Fold(models, kind, journal.Distinct(StringComparer.Ordinal).Select(id => sent[id]));
                var actual = await target.ReadScoreAsync(kind, subjectId);
                if (actual is null || actual.SignalCount != expected.SignalCount || BitConverter.DoubleToInt64Bits(actual.Score) != BitConverter.DoubleToInt64Bits(expected.Score))
                {
                    Problem(ref mismatches, string.Create(CultureInfo.InvariantCulture,
                        $"{key}: the cluster reads {actual?.Score:R} after {actual?.SignalCount} signals; the fold of its journal gives {expected.Score:R} after {expected.SignalCount}"));
                }
            }
        });

        return new JournalCheckResult(keys.Count, signals, lost, doubled, unknown, storedUnacknowledged, mismatches, Stopwatch.GetElapsedTime(started).TotalSeconds, [.. examples]);
    }

    private static ScoreSheet Fold(ModelCatalog models, string kind, IEnumerable<SignalInput> signals)
    {
        var model = models.For(SubjectKinds.TryParse(kind, out var subjectKind) ? subjectKind : throw new InvalidOperationException($"unknown kind {kind}"));
        var sheet = ScoreSheet.Start(model);
        foreach (var signal in signals)
        {
            ScoringEngine.Apply(model, sheet, new ScoringSignal(signal.SignalId!, signal.Type!, signal.Value, signal.OccurredAt!.Value));
        }

        return sheet;
    }

    private static async Task<Dictionary<string, List<string>>> ReadJournalAsync(NpgsqlDataSource data, string[] keys, CancellationToken cancellationToken)
    {
        await using var command = data.CreateCommand("SELECT subject_key, signal_id FROM signal_journal WHERE subject_key = ANY($1) ORDER BY subject_key, seq");
        command.Parameters.Add(new NpgsqlParameter { Value = keys });
        var journals = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var key = reader.GetString(0);
            if (!journals.TryGetValue(key, out var ids))
            {
                journals[key] = ids = [];
            }

            ids.Add(reader.GetString(1));
        }

        return journals;
    }
}

/// <summary>What <see cref="JournalCheck"/> found; passed when nothing acknowledged is missing, doubled or different.</summary>
public sealed record JournalCheckResult(
    long Subjects,
    long JournaledSignals,
    long Lost,
    long Doubled,
    long Unknown,
    long StoredUnacknowledged,
    long Mismatches,
    double Seconds,
    IReadOnlyList<string> Examples)
{
    public bool Passed => Lost == 0 && Doubled == 0 && Unknown == 0 && Mismatches == 0;
}
