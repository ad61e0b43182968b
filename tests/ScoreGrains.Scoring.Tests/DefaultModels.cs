namespace ScoreGrains.Scoring.Tests;

/// <summary>The shipped models from cluster-config/models, copied into the test output's models/ folder.</summary>
internal static class DefaultModels
{
    public static string Directory { get; } = Path.Combine(AppContext.BaseDirectory, "models");

    public static ModelCatalog Catalog { get; } = ModelCatalog.LoadDirectory(Directory);
}
