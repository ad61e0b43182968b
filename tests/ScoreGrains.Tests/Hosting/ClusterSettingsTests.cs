using Microsoft.Extensions.Configuration;
using ScoreGrains.Silo.Hosting;
using ScoreGrains.Tests.Infrastructure;

namespace ScoreGrains.Tests.Hosting;

/// <summary>Cluster settings that cannot make a cluster stop the silo before anything starts, naming the setting.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterSettingsTests(ClusterFixture fixture)
{
    [Theory]
    [InlineData("postgres")]
    [InlineData("kubernetes")]
    public async Task MultiSiloClusteringWithoutAConnectionStringSaysItNeedsOne(string mode)
    {
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => ScoreGrainsHost.BuildAsync(
        [
            $"--ScoreGrains:Cluster:Clustering={mode}",
            // Would start an embedded server if the check came after it: a folder that cannot be one makes that visible.
            "--ScoreGrains:Embedded:DataDirectory=/proc/not-a-data-directory",
        ]));

        Assert.Contains("ConnectionStrings:ScoreGrains", refused.Message, StringComparison.Ordinal);
        Assert.Contains($"'{mode}'", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Clustering", "consul", "localhost, postgres, kubernetes")]
    [InlineData("AdvertisedAddress", "silo-1.example", "AdvertisedAddress")]
    [InlineData("ProbeTimeout", "00:00:00.100", "ProbeTimeout")]
    [InlineData("MissedProbesLimit", "0", "MissedProbesLimit")]
    [InlineData("GatewayPort", "70000", "GatewayPort")]
    public async Task AClusterSettingThatCannotWorkIsRefusedNamingIt(string setting, string value, string named)
    {
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => ScoreGrainsHost.BuildAsync(
        [
            $"--ConnectionStrings:ScoreGrains={fixture.Database.ConnectionString}",
            $"--ScoreGrains:Cluster:{setting}={value}",
        ]));

        Assert.Contains(named, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ClusteringModesAreMatchedWithoutRegardToCase()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ScoreGrains:Cluster:Clustering"] = "Postgres",
                ["ConnectionStrings:ScoreGrains"] = fixture.Database.ConnectionString,
            })
            .Build();

        Assert.Equal(ClusteringModes.Postgres, ClusteringSiloBuilderExtensions.ReadClusterOptions(configuration).Clustering);
    }
}
