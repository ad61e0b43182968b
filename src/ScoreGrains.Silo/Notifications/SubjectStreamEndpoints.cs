using Microsoft.Extensions.Options;
using ScoreGrains.Contracts;
using ScoreGrains.Silo.Api;
using ScoreGrains.Silo.Security;

namespace ScoreGrains.Silo.Notifications;

/// <summary>A live view of one subject: its score now, then every committed score change and crossing (SSE).</summary>
internal static class SubjectStreamEndpoints
{
    public static void MapSubjectStreamEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/subjects/{kind}/{id}/stream", StreamAsync)
            .WithName("StreamSubject")
            .WithSummary("Follow one subject's score live (Server-Sent Events)")
            .WithDescription("A `subject` event with the current score and breakdown, then a `score` event per committed score change, a `crossing` event per band crossing, and a `dispute` event when one of its disputes is opened or resolved.")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .ProducesValidationProblem()
            .RequireRole(Roles.Reader)
            .Audited();
    }

    private static async Task<IResult> StreamAsync(
        string kind, string id, HttpContext http, IGrainFactory grains, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json)
    {
        if (!SubjectEndpoints.TryKey(kind, id, out var key, out var problem))
        {
            return problem;
        }

        var cancellationToken = http.RequestAborted;
        var subject = grains.GetGrain<ISubjectGrain>(key);
        var watcher = new SubjectStreamWatcher();
        var reference = grains.CreateObjectReference<ISubjectObserver>(watcher);
        var events = new ServerSentEvents(http.Response, json.Value.SerializerOptions);
        try
        {
            // Watch first, so no change between the score read and the watch is missed; both before the response
            // starts, so a subject that cannot answer gets the same 503 as GET /v1/subjects/{kind}/{id}.
            SubjectScore score;
            try
            {
                await subject.WatchAsync(reference);
                score = await subject.GetScoreAsync();
            }
            catch (Exception exception) when (SubjectEndpoints.IsUnavailable(exception))
            {
                return SubjectEndpoints.Unavailable(http, exception);
            }

            await events.StartAsync(cancellationToken);
            await events.WriteAsync("subject", score, null, cancellationToken);
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

    /// <summary>
    /// Writes the watcher's events until the client leaves. The watch is renewed every third of its lease; a renewal
    /// that fails (the subject reloading, the cluster busy) is tried again at the next tick, and once the lease has
    /// lapsed without one the stream ends, so the client reconnects (EventSource does by itself) and starts afresh.
    /// </summary>
    private static async Task FollowAsync(
        ISubjectGrain subject, ISubjectObserver reference, SubjectStreamWatcher watcher, ServerSentEvents events, CancellationToken cancellationToken)
    {
        var renewEvery = ISubjectGrain.WatchLease / 3;
        var renewedAt = DateTimeOffset.UtcNow;

        // False once the lease has lapsed: the subject may have dropped this watcher, and changes since went unseen.
        async Task<bool> RenewWhenDueAsync()
        {
            if (DateTimeOffset.UtcNow >= renewedAt + renewEvery)
            {
                try
                {
                    await subject.WatchAsync(reference);
                    renewedAt = DateTimeOffset.UtcNow;
                }
                catch (Exception exception) when (SubjectEndpoints.IsUnavailable(exception))
                {
                    // Tried again at the next tick.
                }
            }

            return DateTimeOffset.UtcNow < renewedAt + ISubjectGrain.WatchLease;
        }

        using var keepAlive = new KeepAlive(events);
        while (await keepAlive.WaitToReadAsync(watcher.Events, RenewWhenDueAsync, cancellationToken) && await RenewWhenDueAsync())
        {
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
