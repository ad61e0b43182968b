using ScoreGrains.LoadTest.Running;

namespace ScoreGrains.LoadTest.Spread;

/// <summary>
/// One stretch of spread traffic: batches whose signals go to uniformly random subjects out of <see cref="Subjects"/>,
/// with what the silo and its PostgreSQL spent on it. Figures the silo does not expose are null.
/// </summary>
/// <param name="NewSubjects">Subjects first acknowledged in this stretch (counted by the generator).</param>
/// <param name="SiloActivations">Subject activations the silo counted in this stretch.</param>
/// <param name="ActivationMeanMs">Mean time of those activations, from the silo's activation histogram.</param>
/// <param name="SiloCpuMicrosPerSignal">The silo process's CPU per acknowledged signal (in process: this whole process, generator included).</param>
/// <param name="PostgresCpuMicrosPerSignal">The silo's PostgreSQL server's CPU per acknowledged signal.</param>
/// <param name="PostgresWholeMachine">True when that is every postgres process on the machine, not the silo's server alone.</param>
/// <param name="ProducerCpuMicrosPerSignal">This process's CPU per signal when it only produces (HTTP); null in process.</param>
/// <param name="MachineCpuMicrosPerSignal">The whole machine's CPU per signal.</param>
/// <param name="HeapBytesPerNewSubject">Heap growth over the stretch per subject it added to memory.</param>
/// <param name="HeapSource">How the heap was read (forced full GC in process; the silo's last GC over HTTP).</param>
/// <param name="SubjectsActive">Subjects in the silo's memory at the end (its gauge; else what the generator touched).</param>
public sealed record SpreadStage(
    string Name,
    long Subjects,
    PhaseResult Phase,
    long NewSubjects,
    double? SiloActivations,
    double? ActivationMeanMs,
    double? SiloCpuMicrosPerSignal,
    double? PostgresCpuMicrosPerSignal,
    bool PostgresWholeMachine,
    double? ProducerCpuMicrosPerSignal,
    double? MachineCpuMicrosPerSignal,
    double? HeapBytesPerNewSubject,
    string? HeapSource,
    double SubjectsActive)
{
    /// <summary>Activations per second: the silo's count when it exposes one, else the subjects first acknowledged.</summary>
    public double ActivationsPerSecond => (SiloActivations ?? NewSubjects) / Math.Max(Phase.ElapsedSeconds, 1e-9);
}
