using Microsoft.Extensions.Options;
using ScoreGrains.Contracts;
using ScoreGrains.Silo.Security;

namespace ScoreGrains.Silo.Notifications;

/// <summary>The cluster's live figures (ingest rate, crossing rate, active subjects per band per kind), once or every second.</summary>
internal static class StatsEndpoints
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    public static void MapStatsEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/stats", (IGrainFactory grains) => grains.GetGrain<IClusterStatsGrain>(0).GetAsync())
            .WithName("GetStats")
            .WithSummary("The cluster's live figures")
            .RequireRole(Roles.Reader);
        app.MapGet("/v1/stats/stream", StreamAsync)
            .WithName("StreamStats")
            .WithSummary("The cluster's live figures every second (Server-Sent Events)")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .RequireRole(Roles.Reader);
    }

    private static async Task<IResult> StreamAsync(HttpContext http, IGrainFactory grains, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json)
    {
        var cancellationToken = http.RequestAborted;
        var events = new ServerSentEvents(http.Response, json.Value.SerializerOptions);
        var stats = grains.GetGrain<IClusterStatsGrain>(0);
        try
        {
            await events.StartAsync(cancellationToken);
            using var timer = new PeriodicTimer(Interval);
            do
            {
                await events.WriteAsync("stats", await stats.GetAsync(), null, cancellationToken);
                await events.FlushAsync(cancellationToken);
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException && cancellationToken.IsCancellationRequested)
        {
            // The client went away.
        }

        return Results.Empty;
    }
}
