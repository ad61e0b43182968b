using ScoreGrains.Scoring;

namespace ScoreGrains.LoadTest.Checking;

/// <summary>
/// The signals of one batch for one subject that the cluster acknowledged as applied, in batch order, with the
/// score and band each outcome reported. The cluster applies such a chunk in one grain call, so it is contiguous in
/// the subject's history; only its place relative to chunks in flight at the same time is unknown.
/// A <see cref="Failed"/> chunk holds the signals whose outcome was "failed" (no score reported): they must not
/// have been applied.
/// </summary>
public sealed record AckedChunk(long SentAt, long AckedAt, ScoringSignal[] Signals, double[] Scores, string?[] Bands, bool Failed = false);
