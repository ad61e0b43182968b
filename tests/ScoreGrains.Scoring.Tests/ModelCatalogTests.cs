namespace ScoreGrains.Scoring.Tests;

public sealed class ModelCatalogTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("scoring-models-").FullName;

    [Fact]
    public void AllThreeDefaultModelsLoad()
    {
        var catalog = DefaultModels.Catalog;

        Assert.Equal(3, catalog.Models.Count);
        Assert.Equal(("citizen-2026.1", 350.0, 950.0, 600.0), Scale(catalog.For(SubjectKind.Citizen)));
        Assert.Equal(("company-2026.1", 0.0, 1000.0, 700.0), Scale(catalog.For(SubjectKind.Company)));
        Assert.Equal(("official-2026.1", 0.0, 1000.0, 800.0), Scale(catalog.For(SubjectKind.Official)));
    }

    [Theory]
    [InlineData(SubjectKind.Citizen, "restricted low fair good excellent", "fair")]
    [InlineData(SubjectKind.Company, "D C B A", "B")]
    [InlineData(SubjectKind.Official, "disciplinary watch sound exemplary", "sound")]
    public void DefaultModelsHaveTheirBandsLowToHigh(SubjectKind kind, string bands, string startBand)
    {
        var model = DefaultModels.Catalog.For(kind);

        Assert.Equal(bands, string.Join(' ', model.Bands.Select(b => b.Name)));
        Assert.Equal(startBand, ScoreSheet.Start(model).Band);
    }

    [Fact]
    public void TheSameSignalTypeMayScoreDifferentlyPerKind()
    {
        var points = Enum.GetValues<SubjectKind>()
            .Select(k => DefaultModels.Catalog.For(k).TryGetRule("tax.arrears", out var rule) ? rule.Dimension : "none");

        Assert.Equal(["fulfilment_capacity", "compliance", "integrity"], points);
    }

    [Fact]
    public void TwoModelsForOneKindAreRejected()
    {
        CopyDefaults();
        File.Copy(Path.Combine(DefaultModels.Directory, "citizen.json"), Path.Combine(_directory, "citizen-copy.json"));

        var error = Assert.Throws<ScoringModelException>(() => ModelCatalog.LoadDirectory(_directory));
        Assert.Contains("\"citizen\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AMissingKindIsRejected()
    {
        CopyDefaults();
        File.Delete(Path.Combine(_directory, "official.json"));

        var error = Assert.Throws<ScoringModelException>(() => ModelCatalog.LoadDirectory(_directory));
        Assert.Contains("no model for kind \"official\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ABrokenFileIsNamedInTheError()
    {
        CopyDefaults();
        File.WriteAllText(Path.Combine(_directory, "zz-broken.json"), "{");

        var error = Assert.Throws<ScoringModelException>(() => ModelCatalog.LoadDirectory(_directory));
        Assert.StartsWith("zz-broken.json:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AMissingDirectoryIsRejected()
    {
        Assert.Throws<ScoringModelException>(() => ModelCatalog.LoadDirectory(Path.Combine(_directory, "nope")));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static (string, double, double, double) Scale(ScoringModel m) => (m.Version, m.MinScore, m.MaxScore, m.StartScore);

    private void CopyDefaults()
    {
        foreach (var file in Directory.GetFiles(DefaultModels.Directory, "*.json"))
        {
            File.Copy(file, Path.Combine(_directory, Path.GetFileName(file)));
        }
    }
}
