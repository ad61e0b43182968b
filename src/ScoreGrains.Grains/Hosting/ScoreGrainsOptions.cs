using System.ComponentModel.DataAnnotations;

namespace ScoreGrains.Grains.Hosting;

/// <summary>Settings under <c>ScoreGrains</c> in configuration.</summary>
public sealed class ScoreGrainsOptions
{
    public const string Section = "ScoreGrains";

    /// <summary>Folder with one scoring model per kind; relative paths resolve against the app's base directory.</summary>
    [Required]
    public string ModelsDirectory { get; set; } = "cluster-config/models";

    /// <summary>Largest batch accepted in one call (HTTP or client).</summary>
    [Range(1, 100_000)]
    public int MaxBatchSize { get; set; } = 5_000;

    /// <summary>How many recent signal ids each subject remembers to reject retries as duplicates.</summary>
    [Range(1, 100_000)]
    public int DeduplicationWindow { get; set; } = 256;

    /// <summary>
    /// <c>per-signal</c> (default: one ADO.NET state write per subject call) or <c>memory</c> (no writes,
    /// benchmarks only). See <see cref="Hosting.PersistenceMode"/>.
    /// </summary>
    [RegularExpression("^(per-signal|memory)$", ErrorMessage = "ScoreGrains:PersistenceMode must be per-signal or memory.")]
    public string PersistenceMode { get; set; } = "per-signal";

    public PersistenceMode Persistence => PersistenceMode switch
    {
        "memory" => Hosting.PersistenceMode.Memory,
        _ => Hosting.PersistenceMode.PerSignal,
    };
}
