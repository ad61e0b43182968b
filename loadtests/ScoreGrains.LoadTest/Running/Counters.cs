namespace ScoreGrains.LoadTest.Running;

/// <summary>Signal counts at one moment. Acked = applied + duplicate; errors = failed + rejected + unknown outcome.</summary>
public sealed record Counters(long Sent, long Applied, long Duplicates, long Rejected, long Failed, long Unknown)
{
    public long Acked => Applied + Duplicates;

    public long Errors => Rejected + Failed + Unknown;

    public Counters Minus(Counters other) => new(
        Sent - other.Sent,
        Applied - other.Applied,
        Duplicates - other.Duplicates,
        Rejected - other.Rejected,
        Failed - other.Failed,
        Unknown - other.Unknown);
}
