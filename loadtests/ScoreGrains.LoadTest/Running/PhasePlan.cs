using ScoreGrains.LoadTest.Generation;

namespace ScoreGrains.LoadTest.Running;

/// <summary>
/// One stretch of load: a target rate (0 = as fast as the in-flight limit allows), ramp, and limits; optionally its
/// own subject picker, batch size and in-flight limit per producer (the activation phase uses all three).
/// </summary>
public sealed record PhasePlan(
    string Name,
    double Rate,
    TimeSpan Ramp,
    TimeSpan Duration,
    long? Count,
    ISubjectPicker? Picker = null,
    int? BatchSize = null,
    int? InFlightPerProducer = null);
