using ScoreGrains.Contracts;

namespace ScoreGrains.LoadTest.Yardstick;

/// <summary>Found by the in-process silo because this assembly references the Orleans SDK.</summary>
internal sealed class EmptyGrain : Grain, IEmptyGrain
{
    public Task PingAsync() => Task.CompletedTask;

    public Task<IReadOnlyList<SignalOutcome>> EchoAsync(IReadOnlyList<SubjectSignal> signals) =>
        Task.FromResult<IReadOnlyList<SignalOutcome>>([.. signals.Select(s => new SignalOutcome(s.SignalId, SignalStatus.Applied, Score: 0, Band: ""))]);
}
