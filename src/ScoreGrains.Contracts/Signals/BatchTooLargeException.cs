namespace ScoreGrains.Contracts;

/// <summary>A batch held more signals than the configured maximum; none of it was applied.</summary>
[GenerateSerializer, Alias("ScoreGrains.BatchTooLargeException")]
public sealed class BatchTooLargeException : Exception
{
    public BatchTooLargeException()
    {
    }

    public BatchTooLargeException(string message)
        : base(message)
    {
    }

    public BatchTooLargeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public BatchTooLargeException(int count, int maxBatchSize)
        : base($"The batch holds {count} signals; at most {maxBatchSize} are accepted in one call.")
    {
        Count = count;
        MaxBatchSize = maxBatchSize;
    }

    /// <summary>How many signals the batch held.</summary>
    [Id(0)] public int Count { get; private set; }

    /// <summary>The configured maximum.</summary>
    [Id(1)] public int MaxBatchSize { get; private set; }
}
