namespace ScoreGrains.Contracts;

/// <summary>
/// The subject could not store its latest signals and is reloading from storage: nothing unacknowledged is
/// shown. Retry shortly (HTTP answers 503 with Retry-After).
/// </summary>
[GenerateSerializer, Alias("ScoreGrains.SubjectUnavailableException")]
public sealed class SubjectUnavailableException : Exception
{
    public SubjectUnavailableException()
    {
    }

    public SubjectUnavailableException(string message)
        : base(message)
    {
    }

    public SubjectUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
