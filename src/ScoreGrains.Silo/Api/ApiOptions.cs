using System.ComponentModel.DataAnnotations;

namespace ScoreGrains.Silo.Api;

/// <summary>Settings under <c>ScoreGrains:Api</c>.</summary>
public sealed class ApiOptions
{
    public const string Section = "ScoreGrains:Api";

    /// <summary>Largest request body accepted; a full batch of 5,000 signals is about 1.5 MB.</summary>
    [Range(1, long.MaxValue)]
    public long MaxRequestBodyBytes { get; set; } = 8 * 1024 * 1024;
}
