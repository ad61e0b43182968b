using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using ScoreGrains.Grains.Hosting;

namespace ScoreGrains.Tests.Infrastructure;

/// <summary>Configures each test silo exactly as the real host does, on the test database.</summary>
public sealed class TestSiloConfigurator : ISiloConfigurator
{
    public const string ConnectionStringKey = "ScoreGrainsTest:ConnectionString";

    /// <summary>Optional: the name of a <see cref="TestClock"/> to use as the silo's clock.</summary>
    public const string ClockKey = "ScoreGrainsTest:Clock";

    public void Configure(ISiloBuilder siloBuilder)
    {
        siloBuilder.AddScoreGrains(siloBuilder.Configuration[ConnectionStringKey]
            ?? throw new InvalidOperationException($"{ConnectionStringKey} is not set on the test cluster."));
        if (siloBuilder.Configuration[ClockKey] is { } clock)
        {
            siloBuilder.Services.AddSingleton<TimeProvider>(TestClock.Named(clock)); // registered last: it wins
        }
    }
}
