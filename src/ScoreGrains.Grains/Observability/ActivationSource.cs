namespace ScoreGrains.Grains.Observability;

/// <summary>What storage held for a subject when it activated: the <c>source</c> of <c>scoregrains.subjects.activations</c>.</summary>
public enum ActivationSource
{
    /// <summary>Nothing: no snapshot and no journal entry (a new subject), or a mode that reads nothing.</summary>
    None,

    /// <summary>A snapshot and no journal entry after it.</summary>
    Snapshot,

    /// <summary>A snapshot, then journal entries after it replayed.</summary>
    SnapshotReplay,

    /// <summary>No snapshot (or one of another model version): the journal replayed from its start.</summary>
    Replay,
}
