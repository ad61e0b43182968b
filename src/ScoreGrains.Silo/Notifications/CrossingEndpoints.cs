using Microsoft.Extensions.Options;
using ScoreGrains.Contracts;
using ScoreGrains.Grains.Notifications;
using ScoreGrains.Grains.Observability;
using ScoreGrains.Postgres.Crossings;
using ScoreGrains.Grains.Models;
using ScoreGrains.Silo.Security;

namespace ScoreGrains.Silo.Notifications;

/// <summary>The durable crossing feed over HTTP: pages, and a Server-Sent Events stream that resumes without gap or repeat.</summary>
internal static class CrossingEndpoints
{
    public static void MapCrossingEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/crossings", ReadPageAsync)
            .WithName("GetCrossings")
            .WithSummary("Page the durable crossing feed")
            .WithDescription("Crossings after `after` (default 0) in sequence order, at most `limit` (1-1000, default 100), filtered by `kind`, `band` (the band entered) and `subject` (kind/id). Continue with `after` = `next`.")
            .Produces<CrossingPage>()
            .ProducesValidationProblem()
            .RequireRole(Roles.Reader);
        app.MapGet("/v1/crossings/stream", StreamAsync)
            .WithName("StreamCrossings")
            .WithSummary("Follow crossings live (Server-Sent Events)")
            .WithDescription("text/event-stream of `crossing` events whose `id` is the crossing's sequence. Resume with the `Last-Event-ID` header or `?after=`: missed crossings are replayed from the durable feed, then live ones follow, none twice. Filters as GET /v1/crossings.")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .ProducesValidationProblem()
            .RequireRole(Roles.Reader);
    }

    private static async Task<IResult> ReadPageAsync(HttpRequest request, ActiveModels models, CrossingFeedReader reader, CancellationToken cancellationToken)
    {
        var parsed = CrossingRequest.Parse(request, models, out var errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var after = parsed.After ?? 0;
        var records = await reader.ReadAsync(parsed.Filter.ToQuery(after, parsed.Limit), cancellationToken);
        var crossings = records.Select(r => r.ToCrossing()).ToList();
        return TypedResults.Ok(new CrossingPage(crossings, crossings.Count > 0 ? crossings[^1].Sequence : after));
    }

    private static async Task<IResult> StreamAsync(
        HttpContext http,
        ActiveModels models,
        CrossingTail tail,
        CrossingFeedReader reader,
        ScoreGrainsMetrics metrics,
        IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json)
    {
        var parsed = CrossingRequest.Parse(http.Request, models, out var errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var cancellationToken = http.RequestAborted;
        var events = new ServerSentEvents(http.Response, json.Value.SerializerOptions);
        try
        {
            await new CrossingStream(parsed.Filter, parsed.After, tail, reader, events, metrics).RunAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException && cancellationToken.IsCancellationRequested)
        {
            // The client went away: nothing to clean up beyond what the stream's finally blocks did.
        }

        return Results.Empty;
    }
}
