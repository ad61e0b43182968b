namespace ScoreGrains.LoadTest.Generation;

/// <summary>
/// Zipf-distributed ranks over up to 10M subjects in O(1) time and memory per sample, by rejection-inversion
/// (W. Hörmann and G. Derflinger, "Rejection-inversion to generate variates from monotone discrete
/// distributions", 1996): no table of N probabilities.
/// </summary>
public sealed class ZipfPicker : ISubjectPicker
{
    private readonly long _count;
    private readonly double _exponent;
    private readonly double _hIntegralX1;
    private readonly double _hIntegralN;
    private readonly double _s;

    public ZipfPicker(long count, double exponent)
    {
        _count = count;
        _exponent = exponent;
        _hIntegralX1 = HIntegral(1.5) - 1.0;
        _hIntegralN = HIntegral(count + 0.5);
        _s = 2.0 - HIntegralInverse(HIntegral(2.5) - H(2.0));
    }

    public long Next(Random random) => RankScatter.ToIndex(NextRank(random) - 1, _count);

    /// <summary>A rank in [1, count]; rank 1 is the most frequent.</summary>
    public long NextRank(Random random)
    {
        while (true)
        {
            var u = _hIntegralN + (random.NextDouble() * (_hIntegralX1 - _hIntegralN));
            var x = HIntegralInverse(u);
            var k = Math.Clamp((long)(x + 0.5), 1, _count);
            if (k - x <= _s || u >= HIntegral(k + 0.5) - H(k))
            {
                return k;
            }
        }
    }

    private double H(double x) => Math.Exp(-_exponent * Math.Log(x));

    private double HIntegral(double x)
    {
        var logX = Math.Log(x);
        return Helper2((1.0 - _exponent) * logX) * logX;
    }

    private double HIntegralInverse(double x)
    {
        var t = Math.Max(x * (1.0 - _exponent), -1.0);
        return Math.Exp(Helper1(t) * x);
    }

    private static double Helper1(double x) =>
        Math.Abs(x) > 1e-8 ? double.LogP1(x) / x : 1.0 - (x * (0.5 - (x * ((1.0 / 3.0) - (0.25 * x)))));

    private static double Helper2(double x) =>
        Math.Abs(x) > 1e-8 ? double.ExpM1(x) / x : 1.0 + (x * 0.5 * (1.0 + (x * (1.0 / 3.0) * (1.0 + (0.25 * x)))));
}
