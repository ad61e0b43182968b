using System.Buffers;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using ScoreGrains.Contracts;

namespace ScoreGrains.Benchmarks;

/// <summary>Orleans serialization of a signal batch (what the client and the silo put on the wire); per signal.</summary>
[MemoryDiagnoser]
public class SerializationBenchmarks
{
    private readonly ArrayBufferWriter<byte> _buffer = new(1 << 20);
    private ServiceProvider _services = null!;
    private Serializer<List<SignalInput>> _serializer = null!;
    private List<SignalInput> _batch = [];
    private byte[] _bytes = [];

    [Params(100, 1000)]
    public int BatchSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _services = new ServiceCollection().AddSerializer().BuildServiceProvider();
        _serializer = _services.GetRequiredService<Serializer<List<SignalInput>>>();
        _batch = SampleSignals.Inputs(BatchSize);
        _bytes = _serializer.SerializeToArray(_batch);
        Console.WriteLine($"// Orleans wire size: {_bytes.Length} bytes for {BatchSize} signals = {(double)_bytes.Length / BatchSize:0.0} bytes/signal");
    }

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    [Benchmark(Description = "Serialize batch (per batch)")]
    public int Serialize()
    {
        _buffer.ResetWrittenCount();
        _serializer.Serialize(_batch, _buffer);
        return _buffer.WrittenCount;
    }

    [Benchmark(Description = "Deserialize batch (per batch)")]
    public int Deserialize() => _serializer.Deserialize(_bytes)?.Count ?? 0;
}
