namespace ScoreGrains.LoadTest.Checking;

/// <summary>What one subject was acknowledged; <see cref="Uncertain"/> when some batch's outcome is unknown.</summary>
public sealed class SubjectHistory(string kind, string id)
{
    public string Kind { get; } = kind;

    public string Id { get; } = id;

    public List<AckedChunk> Chunks { get; } = [];

    public bool Uncertain { get; set; }

    /// <summary>Outcomes that should not happen for generated signals (rejected, duplicate).</summary>
    public int Unexpected { get; set; }
}
