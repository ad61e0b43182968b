using ScoreGrains.Contracts;

namespace ScoreGrains.LoadTest.Targets;

/// <summary>The body of <c>POST /v1/signals</c> (200, or 503 when some item failed).</summary>
internal sealed record HttpIngestResponse(int Applied, int Duplicates, int Rejected, int Failed, List<SignalOutcome> Outcomes);
