using ScoreGrains.Contracts;

namespace ScoreGrains.LoadTest.Targets;

/// <summary>Somewhere to send batches and read scores back.</summary>
public interface ILoadTarget : IAsyncDisposable
{
    /// <summary>What the target is, for the report.</summary>
    string Description { get; }

    /// <summary>The cluster's grains when the silo runs in this process (yardstick and memory figures); else null.</summary>
    IGrainFactory? Grains { get; }

    Task StartAsync(CancellationToken cancellationToken);

    /// <summary>Sends one batch; one outcome per signal. Throws when the outcome is unknown (transport failure).</summary>
    Task<IngestResult> SendAsync(IReadOnlyList<SignalInput> batch);

    /// <summary>The subject's score, or null when the target knows no signal for it.</summary>
    Task<SubjectScore?> ReadScoreAsync(string kind, string id);
}
