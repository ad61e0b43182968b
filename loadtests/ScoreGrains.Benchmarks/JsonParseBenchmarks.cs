using System.Text.Json;
using System.Text.Json.Serialization;
using BenchmarkDotNet.Attributes;
using ScoreGrains.Contracts;

namespace ScoreGrains.Benchmarks;

/// <summary>The JSON parse of an HTTP batch (camelCase, as <c>POST /v1/signals</c> receives it) into SignalInput records.</summary>
[MemoryDiagnoser]
public class JsonParseBenchmarks
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.Strict,
    };

    private byte[] _body = [];

    [Params(100, 1000)]
    public int BatchSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _body = JsonSerializer.SerializeToUtf8Bytes(SampleSignals.Inputs(BatchSize), Options);
        Console.WriteLine($"// JSON body: {_body.Length} bytes for {BatchSize} signals = {(double)_body.Length / BatchSize:0.0} bytes/signal");
    }

    [Benchmark(Description = "Parse HTTP batch (per batch)")]
    public int Parse() => JsonSerializer.Deserialize<List<SignalInput>>(_body, Options)!.Count;
}
