namespace ScoreGrains.Tests.Infrastructure;

/// <summary>A test class that calls the fixture's real silo process over HTTP: one client per test, on the silo's loopback address.</summary>
public abstract class SiloHttpTest(ClusterFixture fixture) : IAsyncLifetime
{
    protected ClusterFixture Fixture { get; } = fixture;

    protected HttpClient Http { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var silo = await Fixture.GetSiloHostAsync();
        Http = new HttpClient { BaseAddress = silo.HttpAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public Task DisposeAsync()
    {
        Http.Dispose();
        return Task.CompletedTask;
    }
}
