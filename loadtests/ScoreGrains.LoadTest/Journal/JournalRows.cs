using NpgsqlTypes;
using Npgsql;
using ScoreGrains.Contracts;
using ScoreGrains.LoadTest.Generation;
using ScoreGrains.Scoring;

namespace ScoreGrains.LoadTest.Journal;

/// <summary>
/// Turns the load generator's signals into <c>signal_journal</c> rows as the silo's journal writes them (the same
/// subject keys, signal ids, types, values and times; the subject's next <c>seq</c>; a score walk with the model's
/// bands and version) and writes them by binary COPY. Thread-safe: writers on several connections share the
/// per-subject positions.
/// </summary>
public sealed class JournalRows
{
    public const string CopyCommand = Postgres.Journal.SignalJournal.CopyEntries;

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

    /// <summary>Writes one batch's rows into an open binary import (the caller completes it).</summary>
    public void Write(NpgsqlBinaryImporter importer, GeneratedBatch batch, DateTimeOffset recordedAt)
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

            importer.StartRow();
            importer.Write(SubjectKey.Format(signal.Subject!.Kind!, signal.Subject.Id!), NpgsqlDbType.Text);
            importer.Write(seq, NpgsqlDbType.Bigint);
            importer.Write(signal.SignalId!, NpgsqlDbType.Text);
            importer.Write(signal.Type!, NpgsqlDbType.Text);
            if (signal.Value is { } value)
            {
                importer.Write(value, NpgsqlDbType.Double);
            }
            else
            {
                importer.WriteNull();
            }

            importer.Write(signal.OccurredAt!.Value, NpgsqlDbType.TimestampTz);
            importer.Write(signal.Source!, NpgsqlDbType.Text);
            importer.Write(before, NpgsqlDbType.Double);
            importer.Write(after, NpgsqlDbType.Double);
            importer.Write(model.BandFor(before), NpgsqlDbType.Text);
            importer.Write(model.BandFor(after), NpgsqlDbType.Text);
            importer.Write(model.Version, NpgsqlDbType.Text);
            importer.Write(recordedAt, NpgsqlDbType.TimestampTz);
        }
    }
}
