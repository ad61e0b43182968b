using ScoreGrains.Scoring;

namespace ScoreGrains.Grains.Subjects;

/// <summary>What a subject grain persists: its score sheet and the window of recent signal ids.</summary>
public sealed class SubjectState
{
    public ScoreSheet? Sheet { get; set; }

    public SignalIdWindow RecentSignalIds { get; set; } = new();
}
