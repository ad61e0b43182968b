using ScoreGrains.Contracts;

namespace ScoreGrains.LoadTest.Yardstick;

/// <summary>The yardstick: a grain that does nothing, so its call rate is what Orleans itself costs here.</summary>
[Alias("ScoreGrains.LoadTest.IEmptyGrain")]
public interface IEmptyGrain : IGrainWithIntegerKey
{
    /// <summary>An empty call: no argument, no state, no work.</summary>
    [Alias("Ping")]
    Task PingAsync();

    /// <summary>The subject call's message shape (one signal in, one outcome out) without the fold.</summary>
    [Alias("Echo")]
    Task<IReadOnlyList<SignalOutcome>> EchoAsync([Immutable] IReadOnlyList<SubjectSignal> signals);
}
