using ScoreGrains.Postgres.Journal;

namespace ScoreGrains.Silo.Api;

/// <summary>A page of a subject's journal, newest first; <see cref="Before"/> fetches the next older page.</summary>
public sealed record HistoryPage(IReadOnlyList<JournalEntry> Entries, long? Before)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 1_000;

    public static HistoryPage From(IReadOnlyList<JournalEntry> entries, int limit) =>
        new(entries, entries.Count == limit ? entries[^1].Seq : null);
}
