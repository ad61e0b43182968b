namespace ScoreGrains.Scoring;

/// <summary>
/// Decay factor 2^(-elapsed/halfLife), identical to the last bit on every machine.
/// Math.Pow/Exp/Log come from the platform's libm and may differ in the last ulp between x64, ARM64,
/// Windows and Linux, which would break replay and audit. IEEE 754 makes +, *, / and integer-to-double
/// conversion correctly rounded everywhere, and RyuJIT never contracts a*b+c into a fused multiply-add
/// on its own, so this function uses only those: integer ticks split the exponent into a whole part,
/// applied exactly with Math.ScaleB, and a fraction in [0, 1) fed to a fixed Taylor polynomial
/// (degree 16, truncation error below 1e-17 on that interval).
/// </summary>
internal static class HalfLife
{
    private const double Ln2 = 0.6931471805599453;
    private const int Degree = 16;

    // c[k] = (-ln 2)^k / k!, built with IEEE multiply and divide, hence the same bits everywhere.
    private static readonly double[] Coefficients = BuildCoefficients();

    /// <summary>2^(-elapsedTicks/halfLifeTicks); 1 when nothing elapsed or no half-life, 0 when it underflows.</summary>
    public static double Factor(long elapsedTicks, long halfLifeTicks)
    {
        if (elapsedTicks <= 0 || halfLifeTicks <= 0)
        {
            return 1.0;
        }

        var whole = elapsedTicks / halfLifeTicks;
        if (whole > 1100)
        {
            return 0.0; // below the smallest subnormal
        }

        var fraction = (double)(elapsedTicks - (whole * halfLifeTicks)) / halfLifeTicks;
        return Math.ScaleB(TwoToMinus(fraction), -(int)whole);
    }

    /// <summary>2^(-x) for x in [0, 1) by Horner's rule.</summary>
    private static double TwoToMinus(double x)
    {
        var c = Coefficients;
        var result = c[Degree];
        for (var k = Degree - 1; k >= 0; k--)
        {
            result = (result * x) + c[k];
        }

        return result;
    }

    private static double[] BuildCoefficients()
    {
        var c = new double[Degree + 1];
        c[0] = 1.0;
        for (var k = 1; k <= Degree; k++)
        {
            c[k] = c[k - 1] * -Ln2 / k;
        }

        return c;
    }
}
