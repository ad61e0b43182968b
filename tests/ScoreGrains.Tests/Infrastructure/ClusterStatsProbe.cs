using System.Net;
using System.Net.Http.Json;
using ScoreGrains.Contracts;

namespace ScoreGrains.Tests.Infrastructure;

/// <summary>Waits until a silo's <c>/v1/stats</c> counts the silos a test started: they found each other.</summary>
public static class ClusterStatsProbe
{
    /// <exception cref="TimeoutException">Fewer than <paramref name="count"/> silos within <paramref name="within"/>.</exception>
    public static async Task WaitForSilosAsync(Uri silo, int count, TimeSpan within)
    {
        using var http = new HttpClient { BaseAddress = silo, Timeout = TimeSpan.FromSeconds(10) };
        var deadline = DateTime.UtcNow + within;
        var seen = 0;
        while (DateTime.UtcNow < deadline)
        {
            using var response = await http.GetAsync("/v1/stats");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                seen = (await response.Content.ReadFromJsonAsync<ClusterStats>(ApiJson.Options))!.Silos;
                if (seen >= count)
                {
                    return;
                }
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"/v1/stats counted {seen} silos, not {count}, within {within}.");
    }
}
