using ScoreGrains.Contracts;

namespace ScoreGrains.LoadTest.Generation;

/// <summary>A batch ready to send, with the subject index of each signal (for counting active subjects).</summary>
public sealed record GeneratedBatch(List<SignalInput> Signals, long[] Subjects);
