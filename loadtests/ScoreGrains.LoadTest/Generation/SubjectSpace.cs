using System.Globalization;
using ScoreGrains.Contracts;

namespace ScoreGrains.LoadTest.Generation;

/// <summary>
/// Up to 10M subjects addressed by index: the kind comes from the index's range (citizens first, then
/// companies, then officials, in the mix's proportions) and the id is the run's prefix plus the index, so no
/// list of ids is ever held in memory.
/// </summary>
public sealed class SubjectSpace
{
    public static readonly IReadOnlyList<string> Kinds = ["citizen", "company", "official"];

    private readonly long _companiesFrom;
    private readonly long _officialsFrom;
    private readonly string _prefix;

    public SubjectSpace(long count, IReadOnlyList<double> mix, string prefix)
    {
        var total = mix.Sum();
        Count = count;
        _companiesFrom = (long)Math.Round(count * (mix[0] / total));
        _officialsFrom = Math.Min(count, _companiesFrom + (long)Math.Round(count * (mix[1] / total)));
        _prefix = prefix + "-";
    }

    public long Count { get; }

    /// <summary>0 citizen, 1 company, 2 official.</summary>
    public int KindOf(long index) => index < _companiesFrom ? 0 : index < _officialsFrom ? 1 : 2;

    public string IdOf(long index) => string.Concat(_prefix, index.ToString(CultureInfo.InvariantCulture));

    public SubjectInput InputOf(long index) => new() { Kind = Kinds[KindOf(index)], Id = IdOf(index) };

    public string KeyOf(long index) => SubjectKey.Format(Kinds[KindOf(index)], IdOf(index));

    /// <summary>How many subjects of each kind.</summary>
    public long[] KindCounts() => [_companiesFrom, _officialsFrom - _companiesFrom, Count - _officialsFrom];
}
