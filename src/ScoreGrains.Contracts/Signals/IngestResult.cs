namespace ScoreGrains.Contracts;

/// <summary>The per-item outcomes of a batch, in the order the signals were sent.</summary>
[GenerateSerializer, Immutable, Alias("ScoreGrains.IngestResult")]
public sealed record IngestResult([property: Id(0)] IReadOnlyList<SignalOutcome> Outcomes)
{
    public int Applied => Outcomes.Count(o => o.Status == SignalStatus.Applied);

    public int Duplicates => Outcomes.Count(o => o.Status == SignalStatus.Duplicate);

    public int Rejected => Outcomes.Count(o => o.Status == SignalStatus.Rejected);

    public int Failed => Outcomes.Count(o => o.Status == SignalStatus.Failed);
}
