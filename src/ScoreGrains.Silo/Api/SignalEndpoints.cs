using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using ScoreGrains.Contracts;
using ScoreGrains.Grains.Hosting;
using ScoreGrains.Grains.Observability;
using ScoreGrains.Silo.Security;

namespace ScoreGrains.Silo.Api;

internal static class SignalEndpoints
{
    public static void MapSignalEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/signals", PostSignalsAsync)
            .WithName("PostSignals")
            .WithSummary("Apply a batch of signals")
            .WithDescription("A JSON array of signals. Each item gets its own outcome: applied, duplicate, rejected (with field and reason) or failed (retry it). 503 with Retry-After when any item could not be stored.")
            .Accepts<SignalInput[]>("application/json")
            .Produces<IngestResponse>()
            .Produces<IngestResponse>(StatusCodes.Status503ServiceUnavailable)
            .ProducesValidationProblem()
            .Produces(StatusCodes.Status429TooManyRequests)
            .RequireRole(Roles.Producer);
    }

    private static async Task<IResult> PostSignalsAsync(
        HttpContext http,
        IGrainFactory grains,
        IOptions<ScoreGrainsOptions> options,
        IOptions<ApiOptions> api,
        IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json,
        ScoreGrainsMetrics metrics,
        SignalRateLimiter rateLimiter)
    {
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = api.Value.MaxRequestBodyBytes;
        }

        List<JsonElement>? batch;
        try
        {
            batch = await JsonSerializer.DeserializeAsync<List<JsonElement>>(http.Request.Body, json.Value.SerializerOptions, http.RequestAborted);
        }
        catch (JsonException exception)
        {
            return Problem("body", exception.Path is { Length: > 0 } path
                ? $"Malformed JSON at {path}: {exception.Message}"
                : $"Malformed JSON: {exception.Message}");
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Problem("body", $"The request body is larger than {api.Value.MaxRequestBodyBytes} bytes; send smaller batches.");
        }

        if (batch is null)
        {
            return Problem("body", "The body must be a JSON array of signals, not null.");
        }

        var maxBatchSize = options.Value.MaxBatchSize;
        if (batch.Count > maxBatchSize)
        {
            return Problem("body", $"The batch holds {batch.Count} signals; at most {maxBatchSize} are accepted in one request.");
        }

        // Counted in signals, before any item reaches a subject: over the key's limit nothing of the batch is applied.
        if (!rateLimiter.TryAcquire(http.User, batch.Count, out var retryAfter, out var refusal))
        {
            http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return TypedResults.Problem(title: "Too many signals for this key; nothing of the batch was applied.", detail: refusal, statusCode: StatusCodes.Status429TooManyRequests);
        }

        var items = SignalItems.Read(batch, json.Value.SerializerOptions);
        IngestResult result;
        try
        {
            result = items.Merge(await grains.GetGrain<IIngestGrain>(0).IngestAsync(items.Readable));
        }
        catch (Exception exception) when (exception is TimeoutException or OrleansException)
        {
            // The batch's fate is unknown: nothing of it was acknowledged, and a retry with the same ids is safe.
            http.Response.Headers.RetryAfter = "1";
            return TypedResults.Problem(
                title: "The cluster could not answer in time; retry the same batch.",
                detail: exception.Message,
                statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        items.CountUnreadable(metrics);
        var response = IngestResponse.From(result);
        if (response.Failed == 0)
        {
            return TypedResults.Ok(response);
        }

        http.Response.Headers.RetryAfter = "1";
        return TypedResults.Json(response, statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    private static ValidationProblem Problem(string field, string message) =>
        TypedResults.ValidationProblem(
            new Dictionary<string, string[]> { [field] = [message] },
            title: "The request cannot be used as a batch of signals.");
}
