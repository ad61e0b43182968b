namespace ScoreGrains.LoadTest.Spread;

/// <summary>
/// A silo's cumulative figures at one moment, read from its <c>/metrics</c>; two of them give what happened between.
/// Any figure the silo did not expose (yet) is null.
/// </summary>
/// <param name="CpuSeconds">The silo process's CPU time (<c>dotnet_process_cpu_time_seconds_total</c>, every mode).</param>
/// <param name="SubjectActivations">Subject grains activated so far (<c>orleans_catalog_activation_created_total{grain_type="subject"}</c>).</param>
/// <param name="SubjectsActive">Subjects in memory now (<c>scoregrains_subjects_active</c>, every kind and band).</param>
/// <param name="HeapBytes">The managed heap after the silo's last GC, whatever its generation (<c>dotnet_gc_last_collection_heap_size_bytes</c>).</param>
/// <param name="ActivationMilliseconds">Time subject activations took, summed (<c>orleans_catalog_activation_latency_milliseconds_sum</c>).</param>
/// <param name="ActivationCount">Subject activations timed (the same histogram's count).</param>
public sealed record SiloReading(
    long Timestamp,
    double? CpuSeconds,
    double? SubjectActivations,
    double? SubjectsActive,
    double? HeapBytes,
    double? ActivationMilliseconds,
    double? ActivationCount);
