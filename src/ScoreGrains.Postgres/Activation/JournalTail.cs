using ScoreGrains.Postgres.Journal;

namespace ScoreGrains.Postgres.Activation;

/// <summary>A subject's journal entries after <paramref name="AfterSeq"/>, in order, as read at its activation.</summary>
/// <param name="Complete">False when the page was full: more entries may follow the last one.</param>
public sealed record JournalTail(long AfterSeq, IReadOnlyList<JournalEntry> Entries, bool Complete);
