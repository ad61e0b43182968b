using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using ScoreGrains.Grains.Hosting;
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
        Assert.Single(silo.Services.GetServices<IHostedService>().OfType<SheddingCollectionPacer>());
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

    [Theory]
    [InlineData(0.70f, 65, 7, 7, true)]  // over the limit, no gen2 since the last poll
    [InlineData(0.70f, 65, 8, 7, false)] // over the limit, but a gen2 ran: Orleans can shed on it
    [InlineData(0.60f, 65, 7, 7, false)] // under the limit
    [InlineData(0.65f, 65, 7, 7, false)] // at the limit: Orleans sheds only above it
    [InlineData(0.30f, 25, 0, 0, true)]  // no gen2 yet at all: Orleans cannot shed until one runs
    public void AGen2IsStartedOnlyWhenMemoryIsOverTheLimitAndNoneRanSinceTheLastPoll(
        float usage, double limitPercent, int gen2Count, int gen2CountAtLastPoll, bool expected) =>
        Assert.Equal(expected, SheddingCollectionPacer.NeedsGen2(usage, limitPercent, gen2Count, gen2CountAtLastPoll));
}
