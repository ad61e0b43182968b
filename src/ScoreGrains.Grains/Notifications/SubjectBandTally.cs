using ScoreGrains.Contracts;
using ScoreGrains.Scoring;

namespace ScoreGrains.Grains.Notifications;

/// <summary>
/// How many subjects active on this silo sit in each band, per kind: the dashboard's score distribution at the
/// cost of three counter updates per activation, deactivation and crossing (no scan of millions of subjects).
/// The subject grain reports its band on activation and deactivation, and each change of band once it is stored.
/// </summary>
public sealed class SubjectBandTally
{
    private readonly ScoringModel[] _models;
    private readonly long[][] _counts;

    public SubjectBandTally(ModelCatalog models)
    {
        ArgumentNullException.ThrowIfNull(models);
        _models = [.. SubjectKinds.All.Select(models.For)];
        _counts = [.. _models.Select(m => new long[m.Bands.Count])];
    }

    /// <summary>A subject of <paramref name="kind"/> became active in <paramref name="band"/>.</summary>
    public void Activated(string kind, string band) => Add(kind, band, 1);

    /// <summary>A subject of <paramref name="kind"/> in <paramref name="band"/> left memory.</summary>
    public void Deactivated(string kind, string band) => Add(kind, band, -1);

    /// <summary>A subject moved from one band to another.</summary>
    public void Crossed(string kind, string oldBand, string newBand)
    {
        Add(kind, oldBand, -1);
        Add(kind, newBand, 1);
    }

    /// <summary>Active subjects per band of <paramref name="kind"/>, lowest band first.</summary>
    public IReadOnlyList<BandCount> Snapshot(SubjectKind kind)
    {
        var bands = _models[(int)kind].Bands;
        var counts = _counts[(int)kind];
        return [.. bands.Select((band, i) => new BandCount(band.Name, Math.Max(0, Interlocked.Read(ref counts[i]))))];
    }

    private void Add(string kind, string band, long delta)
    {
        if (!SubjectKinds.TryParse(kind, out var k))
        {
            return;
        }

        var bands = _models[(int)k].Bands;
        for (var i = 0; i < bands.Count; i++)
        {
            if (string.Equals(bands[i].Name, band, StringComparison.Ordinal))
            {
                Interlocked.Add(ref _counts[(int)k][i], delta);
                return;
            }
        }
    }
}
