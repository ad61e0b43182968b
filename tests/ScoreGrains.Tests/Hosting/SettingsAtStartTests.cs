using Microsoft.Extensions.Options;
using ScoreGrains.Silo.Hosting;
using ScoreGrains.Tests.Infrastructure;

namespace ScoreGrains.Tests.Hosting;

/// <summary>A setting under ScoreGrains that nothing reads, or out of its range, stops the silo before it starts, naming the setting.</summary>
[Collection(ClusterCollection.Name)]
public sealed class SettingsAtStartTests(ClusterFixture fixture)
{
    [Theory]
    [InlineData("ScoreGrains:SnapshotInterval", "01:00:00", "SnapshotMinInterval")] // renamed since
    [InlineData("ScoreGrains:PersistanceMode", "per-signal", "PersistenceMode")] // misspelt
    [InlineData("ScoreGrains:Journal:Writer", "4", "Writers")]
    [InlineData("ScoreGrains:Cluster:SiloPorts", "11112", "SiloPort")]
    public async Task ASettingNothingReadsIsRefusedWithTheSettingsThatExist(string setting, string value, string known)
    {
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => ScoreGrainsHost.BuildAsync(
        [
            $"--ConnectionStrings:ScoreGrains={fixture.Database.ConnectionString}",
            "--ScoreGrains:Journal:CommitTimeout=00:00:05",
            $"--{setting}={value}",
        ]));

        Assert.Contains($"'{setting}'", refused.Message, StringComparison.Ordinal);
        Assert.Contains(known, refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("CommitTimeout'", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SettingsAreMatchedWithoutRegardToCase()
    {
        await using var silo = await ScoreGrainsHost.BuildAsync(
        [
            $"--ConnectionStrings:ScoreGrains={fixture.Database.ConnectionString}",
            "--scoregrains:journal:commitTimeout=00:00:05",
            "--SCOREGRAINS:MAXBATCHSIZE=100",
        ]);

        Assert.NotNull(silo);
    }

    [Theory]
    [InlineData("ScoreGrains:Api:MaxRequestBodyBytes", "-1")]
    [InlineData("ScoreGrains:Notifications:DeliveryTimeout", "00:00:00")]
    [InlineData("ScoreGrains:SnapshotEverySignals", "0")]
    public async Task ASettingOutOfItsRangeStopsTheSiloAtStartNamingIt(string setting, string value)
    {
        await using var silo = await ScoreGrainsHost.BuildAsync(HostArguments.For(
            fixture.Database.ConnectionString, $"{fixture.ServiceId}-range", LoopbackPort.Free(), "--Logging:LogLevel:Default=Critical", $"--{setting}={value}"));

        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => silo.StartAsync());

        Assert.Contains(setting[(setting.LastIndexOf(':') + 1)..], refused.Message, StringComparison.Ordinal);
    }
}
