using ScoreGrains.Contracts;
using ScoreGrains.LoadTest.Generation;
using ScoreGrains.Postgres.Journal;
using ScoreGrains.Scoring;

namespace ScoreGrains.LoadTest.Journal;

/// <summary>
/// Turns the load generator's signals into <c>signal_journal</c> rows as the silo's journal writes them (the same
/// subject keys, signal ids, types, values and times; the subject's next <c>seq</c>; a score walk with the model's
/// bands and version) and encodes them for binary COPY. Thread-safe: writers on several connections share the
/// per-subject positions.
/// </summary>
public sealed class JournalRows
{
    public const string CopyCommand = SignalJournal.CopyEntries;

    private readonly SubjectSpace _space;
    private readonly ScoringModel[] _models;
    private readonly long[] _seq;
    private readonly double[] _score;

    public JournalRows(SubjectSpace space, ModelCatalog models)
    {
        _space = space;
        _models = [.. SubjectSpace.Kinds.Select(k => models.Models.Single(m => string.Equals(m.Kind.ToString(), k, StringComparison.OrdinalIgnoreCase)))];
        _seq = new long[space.Count];
        _score = new double[space.Count];
    }

    /// <summary>The last <c>seq</c> written for a subject (0: none).</summary>
    public long LastSeq(long subject) => Volatile.Read(ref _seq[subject]);

    /// <summary>Adds one batch's rows to a started COPY buffer, encoded as the silo's journal encodes its own.</summary>
    public void Write(JournalCopyBuffer buffer, GeneratedBatch batch, DateTimeOffset recordedAt)
    {
        for (var i = 0; i < batch.Signals.Count; i++)
        {
            var subject = batch.Subjects[i];
            var signal = batch.Signals[i];
            var model = _models[_space.KindOf(subject)];
            var seq = Interlocked.Increment(ref _seq[subject]);
            var before = seq == 1 ? model.StartScore : _score[subject];
            var after = Math.Clamp(before + ((Random.Shared.NextDouble() - 0.45) * 20), model.MinScore, model.MaxScore);
            _score[subject] = after;
            buffer.Add(new JournalEntry(
                SubjectKey.Format(signal.Subject!.Kind!, signal.Subject.Id!), seq, signal.SignalId!, signal.Type!, signal.Value,
                signal.OccurredAt!.Value, signal.Source!, before, after, model.BandFor(before), model.BandFor(after), model.Version, recordedAt));
        }
    }
}
