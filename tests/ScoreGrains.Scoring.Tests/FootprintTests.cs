using System.Text.Json;

namespace ScoreGrains.Scoring.Tests;

public sealed class FootprintTests
{
    private static readonly ScoringModel Citizen = DefaultModels.Catalog.For(SubjectKind.Citizen);

    [Fact]
    public void AFreshSheetIsSmall()
    {
        // Minimum of a few runs: a real per-sheet allocation shows in every run, a one-off runtime one does not.
        var allocated = Enumerable.Range(0, 5).Min(_ =>
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            ScoreSheet.Start(Citizen);
            return GC.GetAllocatedBytesForCurrentThread() - before;
        });

        Assert.InRange(allocated, 100, 200); // 80-byte object + 5 doubles; strings are the model's own
        Assert.InRange(JsonSerializer.Serialize(ScoreSheet.Start(Citizen)).Length, 1, 200);
    }

    [Fact]
    public void ValidateAndApplyDoNotAllocateOnceTheSheetIsWarm()
    {
        var types = Citizen.SignalTypes.Order(StringComparer.Ordinal).ToArray();
        var signals = Enumerable.Range(0, 2000)
            .Select(i => new ScoringSignal($"s{i}", types[i % types.Length], 5, TestModel.T0.AddHours(i - (i % 7 * 30))))
            .ToArray();
        var sheet = Fold.Run(Citizen, signals[..1000]); // lists reach their bounds
        var now = TestModel.T0.AddYears(1);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 1000; i < signals.Length; i++)
        {
            if (ScoringEngine.Validate(Citizen, signals[i], now) is null)
            {
                ScoringEngine.Apply(Citizen, sheet, signals[i]);
            }
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(2000, sheet.SignalCount);
    }

    [Fact]
    public void ABusySubjectStaysWithinItsMemoryBudget()
    {
        var signals = Enumerable.Range(0, 20_000).Select(i =>
            new ScoringSignal($"signal-{i:D12}", i % 3 == 0 ? "traffic.violation" : "payment.late", null, TestModel.T0.AddHours(i)));

        var sheet = Fold.Run(Citizen, signals);

        Assert.Equal(ScoreSheet.MaxNegativeRecords, sheet.Negatives!.Count);
        Assert.Equal(ScoreSheet.MaxImpacts, sheet.Impacts!.Count);
        Assert.InRange(HeapBytes(sheet), 1, 3 * 1024);
    }

    /// <summary>Bytes a snapshot-restored copy of the sheet holds on the heap: every object and string is fresh.</summary>
    private static long HeapBytes(ScoreSheet sheet)
    {
        var negatives = sheet.Negatives!;
        var impacts = sheet.Impacts!;
        var before = GC.GetAllocatedBytesForCurrentThread();
        var copy = new ScoreSheet
        {
            ModelVersion = new string(sheet.ModelVersion),
            Band = new string(sheet.Band),
            Points = (double[])sheet.Points.Clone(),
            Negatives = new List<NegativeRecord>(negatives),
            Impacts = new List<ImpactRecord>(impacts.Count),
        };
        foreach (var impact in impacts)
        {
            copy.Impacts.Add(impact with { SignalId = new string(impact.SignalId), Type = new string(impact.Type) });
        }

        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
