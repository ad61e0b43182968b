namespace ScoreGrains.Scoring;

/// <summary>What folding one signal (or advancing the clock) did to a sheet.</summary>
public readonly record struct SignalEffect(double ScoreBefore, double ScoreAfter, string BandBefore, string BandAfter)
{
    /// <summary>True when the band changed, i.e. subscribers should be notified.</summary>
    public bool CrossedBand => BandBefore != BandAfter;
}
