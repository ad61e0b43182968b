namespace ScoreGrains.Contracts;

/// <summary>What happened to one signal of a batch.</summary>
[GenerateSerializer, Alias("ScoreGrains.SignalStatus")]
public enum SignalStatus
{
    /// <summary>Folded into the score and durably stored.</summary>
    Applied = 0,

    /// <summary>The signalId was already seen for this subject: nothing counted twice.</summary>
    Duplicate = 1,

    /// <summary>Invalid: see the field, code and reason. Nothing was changed.</summary>
    Rejected = 2,

    /// <summary>Not stored (storage unavailable or the subject failed): retry with the same signalId, it is safe.</summary>
    Failed = 3,
}
