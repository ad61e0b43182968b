using BenchmarkDotNet.Attributes;
using ScoreGrains.Scoring;

namespace ScoreGrains.Benchmarks;

/// <summary>The fold: <see cref="ScoringEngine.Apply"/> per signal into a long-lived sheet; results are per signal.</summary>
[MemoryDiagnoser]
public class FoldBenchmarks
{
    private const int Signals = 1_000;
    private ScoringModel _model = null!;
    private ScoringSignal[] _signals = [];
    private ScoreSheet _sheet = null!;

    [Params(SubjectKind.Citizen, SubjectKind.Company)]
    public SubjectKind Kind { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _model = SampleSignals.Models.For(Kind);
        _signals = SampleSignals.Scoring(_model, Signals);
        _sheet = ScoreSheet.Start(_model);
        Fold(); // the sheet's lists exist from here on, as in a warm subject
    }

    [Benchmark(OperationsPerInvoke = Signals, Description = "ScoringEngine.Apply, per signal")]
    public double Fold()
    {
        var sheet = _sheet;
        for (var i = 0; i < _signals.Length; i++)
        {
            ScoringEngine.Apply(_model, sheet, _signals[i]);
        }

        return sheet.Score;
    }

    [Benchmark(OperationsPerInvoke = Signals, Description = "Validate + Apply, per signal")]
    public double ValidateAndFold()
    {
        var sheet = _sheet;
        var now = new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < _signals.Length; i++)
        {
            if (ScoringEngine.Validate(_model, _signals[i], now) is null)
            {
                ScoringEngine.Apply(_model, sheet, _signals[i]);
            }
        }

        return sheet.Score;
    }
}
