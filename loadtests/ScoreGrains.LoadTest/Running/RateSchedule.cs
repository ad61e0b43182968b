namespace ScoreGrains.LoadTest.Running;

/// <summary>
/// When each signal is due in an open-loop run: the rate climbs linearly from 0 to <paramref name="rate"/> over
/// <paramref name="ramp"/>, then stays. Latency is measured from these intended times, not from when the
/// producer got round to sending, so a stalled system cannot hide its stall (coordinated omission).
/// </summary>
public sealed class RateSchedule(double rate, TimeSpan ramp)
{
    public double Rate => rate;

    public TimeSpan Ramp => ramp;

    /// <summary>Seconds after the start at which the cumulative count reaches <paramref name="signals"/>.</summary>
    public double SecondsFor(double signals)
    {
        var r = ramp.TotalSeconds;
        var rampSignals = rate * r / 2;
        return r > 0 && signals <= rampSignals
            ? Math.Sqrt(2 * r * signals / rate)
            : r + ((signals - rampSignals) / rate);
    }

    /// <summary>The target rate at <paramref name="seconds"/> after the start.</summary>
    public double RateAt(double seconds) =>
        seconds >= ramp.TotalSeconds ? rate : rate * seconds / ramp.TotalSeconds;
}
