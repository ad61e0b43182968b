using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using ScoreGrains.Contracts;
using ScoreGrains.Grains.Notifications;
using ScoreGrains.Scoring;
using ScoreGrains.Silo.Hosting;
using ScoreGrains.Tests.Infrastructure;

namespace ScoreGrains.Tests.Subjects;

/// <summary>The dashboard's score distribution: active subjects per band, kept by the subjects themselves.</summary>
[Collection(ClusterCollection.Name)]
public sealed class BandTallyTests
{
    [Theory]
    [InlineData("journal")]
    [InlineData("per-signal")]
    [InlineData("memory")]
    public async Task ASubjectIsCountedInItsBandUntilItLeavesMemory(string persistence)
    {
        await using var database = await TestDatabase.CreateAsync();
        var httpPort = LoopbackPort.Free();
        var silo = await ScoreGrainsHost.BuildAsync(HostArguments.For(
            database.ConnectionString, "band-tally", httpPort, $"--ScoreGrains:PersistenceMode={persistence}", "--Logging:LogLevel:Default=Critical"));
        try
        {
            await silo.StartAsync();
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromSeconds(60) };
            var tally = silo.Services.GetRequiredService<SubjectBandTally>();
            var id = Signals.NewId();

            await SendAsync(http, Signals.For("citizen", id, "bill.paid"));
            Assert.Equal((1, 0), Count(tally));

            // From fair into low, as the crossing feed's tests see it.
            await SendAsync(http, Signals.For("citizen", id, "loan.defaulted"));
            Assert.Equal((0, 1), Count(tally));

            await silo.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (Count(tally) != (0, 0) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }

            Assert.Equal((0, 0), Count(tally));
        }
        finally
        {
            await silo.StopAsync();
            await silo.DisposeAsync();
        }
    }

    private static (long Fair, long Low) Count(SubjectBandTally tally)
    {
        var bands = tally.Snapshot(SubjectKind.Citizen);
        return (bands.Single(b => b.Band == "fair").Subjects, bands.Single(b => b.Band == "low").Subjects);
    }

    private static async Task SendAsync(HttpClient http, SignalInput signal)
    {
        using var response = await http.PostAsJsonAsync("/v1/signals", new[] { signal }, ApiJson.Options);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await response.Content.ReadFromJsonAsync<IngestResult>(ApiJson.Options);
        Assert.Equal(SignalStatus.Applied, Assert.Single(result!.Outcomes).Status);
    }
}
