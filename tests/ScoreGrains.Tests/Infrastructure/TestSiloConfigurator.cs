using Orleans.TestingHost;
using ScoreGrains.Grains.Hosting;

namespace ScoreGrains.Tests.Infrastructure;

/// <summary>Configures each test silo exactly as the real host does, on the test database.</summary>
public sealed class TestSiloConfigurator : ISiloConfigurator
{
    public const string ConnectionStringKey = "ScoreGrainsTest:ConnectionString";

    public void Configure(ISiloBuilder siloBuilder) =>
        siloBuilder.AddScoreGrains(siloBuilder.Configuration[ConnectionStringKey]
            ?? throw new InvalidOperationException($"{ConnectionStringKey} is not set on the test cluster."));
}
