namespace ScoreGrains.Contracts;

/// <summary>
/// The durable crossing feed cannot be read now: its database is unavailable. Retry shortly; nothing was lost, every
/// committed crossing is read once it returns. (The database's own exception cannot cross to another silo or a client.)
/// </summary>
[GenerateSerializer, Alias("ScoreGrains.FeedUnavailableException")]
public sealed class FeedUnavailableException : Exception
{
    public FeedUnavailableException()
    {
    }

    public FeedUnavailableException(string message)
        : base(message)
    {
    }

    public FeedUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>For a database error that cannot be passed on as such: its message only.</summary>
    public static FeedUnavailableException ForDatabaseError(Exception databaseError) =>
        new($"The crossing feed cannot be read now: the database is unavailable ({databaseError.Message}); retry.");
}
