using ScoreGrains.Contracts;

namespace ScoreGrains.Client;

/// <summary>
/// The high-volume producer path: sends batches straight to the cluster over the Orleans gateway, with the
/// same per-item outcomes as <c>POST /v1/signals</c>.
/// </summary>
public sealed class ScoreGrainsClient(IClusterClient cluster)
{
    /// <summary>Applies a batch; one outcome per signal, in order. Throws <see cref="BatchTooLargeException"/> over the limit.</summary>
    public Task<IngestResult> SendAsync(IReadOnlyList<SignalInput> signals)
    {
        ArgumentNullException.ThrowIfNull(signals);
        return cluster.GetGrain<IIngestGrain>(0).IngestAsync(signals);
    }

    /// <summary>Reads a subject's score with its breakdown and reasons.</summary>
    public Task<SubjectScore> GetScoreAsync(string kind, string id) => Subject(kind, id).GetScoreAsync();

    /// <summary>
    /// Reads a subject's score as the system held it at <paramref name="asOf"/> (replayed from the journal; see
    /// <see cref="ISubjectGrain.GetScoreAsync(DateTimeOffset)"/>).
    /// </summary>
    public Task<SubjectScore> GetScoreAsync(string kind, string id, DateTimeOffset asOf) => Subject(kind, id).GetScoreAsync(asOf);

    private ISubjectGrain Subject(string kind, string id)
    {
        ArgumentNullException.ThrowIfNull(kind);
        if (!SubjectKey.IsValidId(id))
        {
            throw new ArgumentException($"A subject id is {SubjectKey.IdRule}.", nameof(id));
        }

        return cluster.GetGrain<ISubjectGrain>(SubjectKey.Format(kind.ToLowerInvariant(), id));
    }
}
