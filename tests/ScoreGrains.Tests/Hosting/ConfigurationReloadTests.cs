using Microsoft.Extensions.Configuration;
using ScoreGrains.Tests.Infrastructure;

namespace ScoreGrains.Tests.Hosting;

/// <summary>
/// The silo reads its settings files once: watching them for changes watches the whole content root, where the
/// embedded PostgreSQL writes its data by default.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ConfigurationReloadTests(ClusterFixture fixture)
{
    [Fact]
    public async Task TheSiloReadsItsSettingsFilesWithoutWatchingThem()
    {
        var silo = await fixture.GetSiloHostAsync();

        var files = ((IConfigurationBuilder)silo.Configuration).Sources.OfType<FileConfigurationSource>().ToList();

        Assert.Contains(files, f => f.Path == "appsettings.json");
        Assert.All(files, f => Assert.False(f.ReloadOnChange, $"{f.Path} is watched for changes"));
    }
}
