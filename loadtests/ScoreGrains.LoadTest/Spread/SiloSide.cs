using ScoreGrains.LoadTest.Resources;

namespace ScoreGrains.LoadTest.Spread;

/// <summary>
/// Where the spread scenario reads the silo's side: its <c>/metrics</c>, its PostgreSQL server's processes, and, when
/// the silo runs in this process, the heap after a forced full GC (a silo process cannot be made to collect from here).
/// </summary>
public sealed class SiloSide(Uri siloAddress, string? postgresDataDirectory, bool inThisProcess) : IDisposable
{
    private readonly SiloMetrics _metrics = new(siloAddress);
    private readonly PostgresServerCpu _postgres = new(postgresDataDirectory);

    public bool InThisProcess => inThisProcess;

    public bool PostgresWholeMachine => _postgres.WholeMachine;

    public async Task<(SiloReading Silo, double? PostgresSeconds, long? ForcedHeap)> ReadAsync(CancellationToken cancellationToken)
    {
        var heap = inThisProcess ? MemoryProbe.HeapAfterFullGc() : (long?)null;
        return (await _metrics.ReadAsync(cancellationToken), _postgres.Seconds(), heap);
    }

    public void Dispose() => _metrics.Dispose();
}
