using ScoreGrains.Contracts;

namespace ScoreGrains.Silo.Api;

/// <summary>The answer to <c>POST /v1/signals</c>: totals, then one outcome per signal in the order sent.</summary>
public sealed record IngestResponse(int Applied, int Duplicates, int Rejected, int Failed, IReadOnlyList<SignalOutcome> Outcomes)
{
    public static IngestResponse From(IngestResult result) =>
        new(result.Applied, result.Duplicates, result.Rejected, result.Failed, result.Outcomes);
}
