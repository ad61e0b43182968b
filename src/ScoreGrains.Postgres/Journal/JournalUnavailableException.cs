namespace ScoreGrains.Postgres.Journal;

/// <summary>An append was not committed (PostgreSQL down, timed out, or a conflicting row): nothing of it counts.</summary>
public sealed class JournalUnavailableException : Exception
{
    public JournalUnavailableException()
    {
    }

    public JournalUnavailableException(string message)
        : base(message)
    {
    }

    public JournalUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
