using Microsoft.Extensions.Options;
using ScoreGrains.Contracts;
using ScoreGrains.Scoring;

namespace ScoreGrains.Silo.Notifications;

/// <summary>A live view of one subject: its score now, then every committed score change and crossing (SSE).</summary>
internal static class SubjectStreamEndpoints
{
    public static void MapSubjectStreamEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/subjects/{kind}/{id}/stream", StreamAsync)
            .WithName("StreamSubject")
            .WithSummary("Follow one subject's score live (Server-Sent Events)")
            .WithDescription("A `subject` event with the current score and breakdown, then a `score` event per committed score change and a `crossing` event per band crossing.")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .ProducesValidationProblem();
    }

    private static async Task<IResult> StreamAsync(
        string kind, string id, HttpContext http, IGrainFactory grains, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json)
    {
        if (!SubjectKinds.TryParse(kind, out var subjectKind))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["kind"] = [$"'{kind}' is not one of citizen, company, official."] });
        }

        if (!SubjectKey.IsValidId(id))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["id"] = [$"A subject id is 1-{SubjectKey.MaxIdLength} letters, digits or . _ : -"] });
        }

        var cancellationToken = http.RequestAborted;
        var subject = grains.GetGrain<ISubjectGrain>(SubjectKey.Format(SubjectKinds.ToKey(subjectKind), id));
        var watcher = new SubjectStreamWatcher();
        var reference = grains.CreateObjectReference<ISubjectObserver>(watcher);
        var events = new ServerSentEvents(http.Response, json.Value.SerializerOptions);
        try
        {
            await subject.WatchAsync(reference);
            await events.StartAsync(cancellationToken);
            await events.WriteAsync("subject", await subject.GetScoreAsync(), null, cancellationToken);
            await events.FlushAsync(cancellationToken);
            await FollowAsync(subject, reference, watcher, events, cancellationToken);
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException && cancellationToken.IsCancellationRequested)
        {
            // The client went away.
        }
        finally
        {
            await UnwatchAsync(subject, reference);
            grains.DeleteObjectReference<ISubjectObserver>(reference);
        }

        return Results.Empty;
    }

    private static async Task FollowAsync(
        ISubjectGrain subject, ISubjectObserver reference, SubjectStreamWatcher watcher, ServerSentEvents events, CancellationToken cancellationToken)
    {
        var renewEvery = ISubjectGrain.WatchLease / 3;
        var renewAt = DateTimeOffset.UtcNow + renewEvery;
        async Task RenewWhenDueAsync()
        {
            if (DateTimeOffset.UtcNow >= renewAt)
            {
                await subject.WatchAsync(reference);
                renewAt = DateTimeOffset.UtcNow + renewEvery;
            }
        }

        using var keepAlive = new KeepAlive(events);
        while (await keepAlive.WaitToReadAsync(watcher.Events, RenewWhenDueAsync, cancellationToken))
        {
            await RenewWhenDueAsync();
            while (watcher.Events.TryRead(out var item))
            {
                await events.WriteAsync(item.Type, item.Data, null, cancellationToken);
                keepAlive.Sent();
            }

            await events.FlushAsync(cancellationToken);
        }
    }

    private static async Task UnwatchAsync(ISubjectGrain subject, ISubjectObserver reference)
    {
        try
        {
            await subject.UnwatchAsync(reference);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            _ = exception; // The watch lease expires on its own.
        }
    }
}
