using System.Collections.Concurrent;
using ScoreGrains.Contracts;
using ScoreGrains.Grains.Models;
using ScoreGrains.Scoring;

namespace ScoreGrains.Grains.Notifications;

/// <summary>
/// How many subjects active on this silo sit in each band, per kind: the dashboard's score distribution at the
/// cost of three counter updates per activation, deactivation and crossing (no scan of millions of subjects).
/// The subject grain reports its band on activation and deactivation, and each change of band once it is stored.
/// </summary>
/// <remarks>
/// Counted by band name, not by position: an uploaded model may rename or add bands while subjects of the old
/// version are still active and report their old band when they leave.
/// </remarks>
public sealed class SubjectBandTally
{
    private readonly ActiveModels _models;
    private readonly ConcurrentDictionary<string, long>[] _counts;

    public SubjectBandTally(ActiveModels models)
    {
        ArgumentNullException.ThrowIfNull(models);
        _models = models;
        _counts = [.. SubjectKinds.All.Select(_ => new ConcurrentDictionary<string, long>(StringComparer.Ordinal))];
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
        var counts = _counts[(int)kind];
        return [.. _models.For(kind).Bands.Select(band => new BandCount(band.Name, Math.Max(0, counts.GetValueOrDefault(band.Name))))];
    }

    private void Add(string kind, string band, long delta)
    {
        if (SubjectKinds.TryParse(kind, out var k))
        {
            _counts[(int)k].AddOrUpdate(band, static (_, d) => d, static (_, count, d) => count + d, delta);
        }
    }
}
