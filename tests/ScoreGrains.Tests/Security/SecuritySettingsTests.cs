using ScoreGrains.Silo.Hosting;
using ScoreGrains.Silo.Security;
using ScoreGrains.Tests.Infrastructure;

namespace ScoreGrains.Tests.Security;

/// <summary>The safe defaults: open only on loopback, bad key settings stop the silo at start naming the setting.</summary>
[Collection(ClusterCollection.Name)]
public sealed class SecuritySettingsTests(ClusterFixture fixture)
{
    [Theory]
    [InlineData("http://0.0.0.0:{0}", null)]
    [InlineData("http://0.0.0.0:{0}", "open")]
    [InlineData("http://*:{0}", null)]
    [InlineData("http://192.0.2.10:{0}", null)]
    [InlineData("http://127.0.0.1:{0};http://[::]:{0}", null)]
    public async Task OpenModeBeyondLoopbackRefusesToStart(string urls, string? mode)
    {
        var port = LoopbackPort.Free();
        string[] settings = [$"--urls={string.Format(System.Globalization.CultureInfo.InvariantCulture, urls, port)}", .. mode is null ? Array.Empty<string>() : [$"--ScoreGrains:Security:Mode={mode}"]];

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            ScoreGrainsHost.BuildAsync(HostArguments.For(fixture.Database.ConnectionString, $"{fixture.ServiceId}-open", port, settings)));

        Assert.Contains("ScoreGrains:Security:Mode=keys", refused.Message, StringComparison.Ordinal);
        Assert.Contains(mode is null ? "(unset: open)" : "Mode=open", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeysModeMayListenBeyondLoopback()
    {
        var port = LoopbackPort.Free();
        await using var silo = await ScoreGrainsHost.BuildAsync(HostArguments.For(
            fixture.Database.ConnectionString, $"{fixture.ServiceId}-exposed", port, $"--urls=http://0.0.0.0:{port}", "--ScoreGrains:Security:Mode=keys"));

        Assert.NotNull(silo);
    }

    [Theory]
    [InlineData("Sha256", "ABC", "'ScoreGrains:Security:Keys:k:Sha256' must be the lower-case hex SHA-256")]
    [InlineData("Roles:0", "writer", "'ScoreGrains:Security:Keys:k:Roles' has 'writer'")]
    [InlineData("SignalsPerSecond", "0", "'ScoreGrains:Security:Keys:k:SignalsPerSecond' must be at least 1")]
    [InlineData("SignalPerSecond", "10", "'ScoreGrains:Security:Keys:k:SignalPerSecond'")]
    public async Task ABadKeySettingStopsTheSiloNamingIt(string setting, string value, string message)
    {
        string[] key = ["--ScoreGrains:Security:Keys:k:Sha256=" + ApiKeys.HashOf("k"), "--ScoreGrains:Security:Keys:k:Roles:0=reader"];

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => ScoreGrainsHost.BuildAsync(HostArguments.For(
            fixture.Database.ConnectionString, $"{fixture.ServiceId}-badkey", LoopbackPort.Free(), [.. key, $"--ScoreGrains:Security:Keys:k:{setting}={value}"])));

        Assert.Contains(message, refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5080", true)]
    [InlineData("https://127.8.9.1:443/", true)]
    [InlineData("http://localhost:5080", true)]
    [InlineData("http://[::1]:5080", true)]
    [InlineData("http://0.0.0.0:5080", false)]
    [InlineData("http://[::]:5080", false)]
    [InlineData("http://+:5080", false)]
    [InlineData("http://*:5080", false)]
    [InlineData("http://example.org:5080", false)]
    [InlineData("http://10.0.0.5:5080", false)]
    public void OnlyLoopbackAddressesCountAsLoopback(string url, bool loopback) =>
        Assert.Equal(loopback, SecurityExtensions.IsLoopback(url));
}
