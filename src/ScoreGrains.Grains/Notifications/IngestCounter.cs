using ScoreGrains.Contracts;

namespace ScoreGrains.Grains.Notifications;

/// <summary>Counts applied signals per kind from the outcomes of every subject call on this silo: the ingest rate, without touching the subject grain.</summary>
internal sealed class IngestCounter(NotificationCounters counters) : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        await context.Invoke();
        if (context.Result is IReadOnlyList<SignalOutcome> outcomes && context.Grain is ISubjectGrain subject)
        {
            var applied = 0;
            foreach (var outcome in outcomes)
            {
                if (outcome.Status == SignalStatus.Applied)
                {
                    applied++;
                }
            }

            if (applied > 0)
            {
                counters.AddSignals(SubjectKey.Parse(subject.GetPrimaryKeyString()).Kind, applied);
            }
        }
    }
}
