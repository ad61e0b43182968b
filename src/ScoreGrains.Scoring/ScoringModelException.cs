namespace ScoreGrains.Scoring;

/// <summary>A scoring model or model directory is invalid; the message names the file and field.</summary>
public sealed class ScoringModelException : Exception
{
    /// <summary>Creates the exception with no message.</summary>
    public ScoringModelException()
    {
    }

    /// <summary>Creates the exception with a message naming the bad field.</summary>
    public ScoringModelException(string message)
        : base(message)
    {
    }

    /// <summary>The model's JSON path that is wrong (<c>bands[1].min</c>, <c>$</c> for the document), when one field is.</summary>
    public string? Field { get; init; }

    /// <summary>Creates the exception wrapping the parser's error.</summary>
    public ScoringModelException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
