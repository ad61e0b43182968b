using ScoreGrains.Postgres.Models;
using ScoreGrains.Scoring;

namespace ScoreGrains.Grains.Models;

/// <summary>
/// The models this silo scores with now: the models directory at start, then each uploaded version as it arrives
/// (<see cref="ModelSync"/>). Subjects read <see cref="Current"/> when they activate and compare it with theirs on
/// each signal, so a swap is one reference write and costs the hot path one comparison.
/// </summary>
public sealed class ActiveModels(ModelCatalog fromDirectory)
{
    private readonly Lock _swap = new();
    private volatile ModelCatalog _current = fromDirectory;
    private volatile Dictionary<SubjectKind, StoredModel> _uploads = [];

    public ModelCatalog Current => _current;

    /// <summary>The upload each kind's current model came from; a kind missing here scores with the directory's model.</summary>
    public IReadOnlyDictionary<SubjectKind, StoredModel> Uploads => _uploads;

    public ScoringModel For(SubjectKind kind) => _current.For(kind);

    /// <summary>Puts <paramref name="model"/> in use unless a newer upload of its kind already is; true when it was.</summary>
    public bool Use(ScoringModel model, StoredModel upload)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(upload);
        lock (_swap)
        {
            if (_uploads.TryGetValue(model.Kind, out var inUse) && inUse.Id >= upload.Id)
            {
                return false;
            }

            _uploads = new Dictionary<SubjectKind, StoredModel>(_uploads) { [model.Kind] = upload };
            _current = _current.With(model);
            return true;
        }
    }
}
