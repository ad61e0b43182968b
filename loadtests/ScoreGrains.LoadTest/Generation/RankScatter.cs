namespace ScoreGrains.LoadTest.Generation;

/// <summary>
/// Maps popularity rank to subject index by a bijection (multiplying by a prime larger than the space, modulo
/// its size), so the hottest subjects are spread over the three kinds instead of all being the first citizens.
/// </summary>
public static class RankScatter
{
    private const long Prime = 2_147_483_647; // 2^31 - 1, larger than any space (10M), hence coprime to its size

    public static long ToIndex(long rank, long count) => (rank % count) * Prime % count;
}
