using ScoreGrains.Contracts;
using ScoreGrains.Scoring;

namespace ScoreGrains.Grains.Observability;

/// <summary>
/// One batch's signals counted by subject kind and outcome, so the meter is told once per pair that occurred
/// (<see cref="ScoreGrainsMetrics.CountSignals(SignalTally)"/>) rather than once per signal.
/// </summary>
public sealed class SignalTally
{
    /// <summary>The three kinds, then one for signals whose kind could not be read.</summary>
    internal static readonly int Kinds = SubjectKinds.All.Count + 1;

    /// <summary>One per <see cref="SignalStatus"/>.</summary>
    internal const int Outcomes = 4;

    private readonly int[] _counts = new int[Kinds * Outcomes];

    internal int this[int kind, int outcome] => _counts[(kind * Outcomes) + outcome];

    /// <summary>Adds <paramref name="count"/> signals of <paramref name="kind"/> (null: not known) with <paramref name="status"/>.</summary>
    public void Add(SubjectKind? kind, SignalStatus status, int count = 1) =>
        _counts[((kind is { } k ? (int)k : Kinds - 1) * Outcomes) + (int)status] += count;

    /// <summary>Adds the outcomes of one subject's signals.</summary>
    public void Add(SubjectKind kind, IReadOnlyList<SignalOutcome> outcomes)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        var row = (int)kind * Outcomes;
        for (var i = 0; i < outcomes.Count; i++)
        {
            _counts[row + (int)outcomes[i].Status]++;
        }
    }
}
