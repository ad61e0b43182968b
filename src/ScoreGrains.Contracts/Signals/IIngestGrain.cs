namespace ScoreGrains.Contracts;

/// <summary>
/// The entry point for producers: checks each signal's envelope, groups the batch by subject and applies each
/// group on its subject grain. A stateless worker, so every silo ingests locally and in parallel.
/// </summary>
[Alias("ScoreGrains.IIngestGrain")]
public interface IIngestGrain : IGrainWithIntegerKey
{
    /// <summary>Applies a batch; the result has one outcome per input signal, in order.</summary>
    [Alias("Ingest")]
    Task<IngestResult> IngestAsync(IReadOnlyList<SignalInput> signals);
}
