namespace ScoreGrains.Scoring;

/// <summary>The one active model per subject kind.</summary>
public sealed class ModelCatalog
{
    private readonly ScoringModel[] _byKind;

    private ModelCatalog(ScoringModel[] byKind) => _byKind = byKind;

    /// <summary>The models, in <see cref="SubjectKind"/> order.</summary>
    public IReadOnlyCollection<ScoringModel> Models => _byKind;

    /// <summary>
    /// Loads every <c>*.json</c> directly in <paramref name="path"/>; there must be exactly one model per kind.
    /// Throws <see cref="ScoringModelException"/> naming the file and field otherwise.
    /// </summary>
    public static ModelCatalog LoadDirectory(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!Directory.Exists(path))
        {
            throw new ScoringModelException($"Model directory '{path}' does not exist.");
        }

        var models = new List<(ScoringModel Model, string File)>();
        foreach (var file in Directory.GetFiles(path, "*.json").Order(StringComparer.Ordinal))
        {
            try
            {
                models.Add((ScoringModel.Parse(File.ReadAllText(file)), Path.GetFileName(file)));
            }
            catch (ScoringModelException e)
            {
                throw new ScoringModelException($"{Path.GetFileName(file)}: {e.Message}", e);
            }
        }

        foreach (var group in models.GroupBy(m => m.Model.Kind).Where(g => g.Count() > 1))
        {
            throw new ScoringModelException(
                $"Model directory '{path}' has {group.Count()} models for kind \"{SubjectKinds.ToKey(group.Key)}\" ({string.Join(", ", group.Select(m => m.File))}); exactly one is allowed.");
        }

        return From(models.Select(m => m.Model), $"Model directory '{path}'");
    }

    /// <summary>Builds a catalog from already parsed models; exactly one per kind.</summary>
    public static ModelCatalog From(IEnumerable<ScoringModel> models) => From(models, "Model catalog");

    /// <summary>This catalog with <paramref name="model"/> in place of its kind's model.</summary>
    public ModelCatalog With(ScoringModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new ModelCatalog([.. _byKind.Select(m => m.Kind == model.Kind ? model : m)]);
    }

    /// <summary>The model for <paramref name="kind"/>.</summary>
    public ScoringModel For(SubjectKind kind) => _byKind[(int)kind];

    private static ModelCatalog From(IEnumerable<ScoringModel> models, string what)
    {
        ArgumentNullException.ThrowIfNull(models);
        var byKind = new ScoringModel?[SubjectKinds.All.Count];
        foreach (var model in models)
        {
            if (byKind[(int)model.Kind] is not null)
            {
                throw new ScoringModelException($"{what} has more than one model for kind \"{SubjectKinds.ToKey(model.Kind)}\".");
            }

            byKind[(int)model.Kind] = model;
        }

        var missing = SubjectKinds.All.Where(k => byKind[(int)k] is null).Select(SubjectKinds.ToKey).ToList();
        if (missing.Count > 0)
        {
            throw new ScoringModelException($"{what} has no model for kind {string.Join(", ", missing.Select(k => $"\"{k}\""))}.");
        }

        return new ModelCatalog(byKind!);
    }
}
