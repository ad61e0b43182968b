using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using ScoreGrains.Grains.Subjects;
using ScoreGrains.Silo.Hosting;
using ScoreGrains.Tests.Infrastructure;

namespace ScoreGrains.Tests.Hosting;

/// <summary>The ScoreGrains:* shedding settings reach Orleans' activation collection, with headroom below Orleans' own 80%.</summary>
[Collection(ClusterCollection.Name)]
public sealed class MemorySheddingSettingsTests(ClusterFixture fixture)
{
    [Fact]
    public async Task ByDefaultSubjectsAreShedFrom65PercentOfMemoryBackTo55()
    {
        await using var silo = await ScoreGrainsHost.BuildAsync(HostArguments.For(fixture.Database.ConnectionString, $"{fixture.ServiceId}-shed", LoopbackPort.Free()));

        var collection = silo.Services.GetRequiredService<IOptions<GrainCollectionOptions>>().Value;

        Assert.True(collection.EnableActivationSheddingOnMemoryPressure);
        Assert.Equal(65, collection.MemoryUsageLimitPercentage);
        Assert.Equal(55, collection.MemoryUsageTargetPercentage);
        Assert.Equal(TimeSpan.FromMinutes(15), collection.ClassSpecificCollectionAge[typeof(SubjectGrain).FullName!]);
    }

    [Fact]
    public async Task TheSettingsAreOrleansOwnAndATargetAboveTheLimitIsKeptBelowIt()
    {
        await using var silo = await ScoreGrainsHost.BuildAsync(HostArguments.For(
            fixture.Database.ConnectionString, $"{fixture.ServiceId}-shed-set", LoopbackPort.Free(),
            "--ScoreGrains:MemoryLimitPercent=40", "--ScoreGrains:MemoryTargetPercent=60", "--ScoreGrains:SubjectIdleAge=00:02:00", "--ScoreGrains:ShedOnMemoryPressure=false"));

        var collection = silo.Services.GetRequiredService<IOptions<GrainCollectionOptions>>().Value;

        Assert.False(collection.EnableActivationSheddingOnMemoryPressure);
        Assert.Equal(40, collection.MemoryUsageLimitPercentage);
        Assert.Equal(39, collection.MemoryUsageTargetPercentage);
        Assert.Equal(TimeSpan.FromMinutes(2), collection.ClassSpecificCollectionAge[typeof(SubjectGrain).FullName!]);
    }
}
