using System.Text.Json;
using ScoreGrains.Contracts;
using ScoreGrains.Grains.Subjects;
using ScoreGrains.Postgres.Rights;
using ScoreGrains.Scoring;
using ScoreGrains.Silo.Security;

namespace ScoreGrains.Silo.Api;

/// <summary>
/// Disputes (FCRA §611, GDPR Art. 16 and 22): a subject contests one of its signals; an admin upholds it or retracts the
/// signal. Opening and resolving go through the subject's grain (so a retraction is ordered with its signals); the lists
/// read the <c>disputes</c> table.
/// </summary>
internal static class DisputeEndpoints
{
    /// <summary>The longest reason or note accepted: a paragraph, not a file.</summary>
    public const int MaxText = 4_000;

    public static void MapDisputeEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/subjects/{kind}/{id}/disputes", OpenAsync)
            .WithName("OpenDispute")
            .WithSummary("Open a dispute of one of the subject's signals")
            .WithDescription(
                "Body {\"signalId\": \"...\", \"reason\": \"...\"}. 201 with the dispute (status open, dueAt after the model's disputeDays); "
                + "200 with the signal's open dispute when it already has one; 404 naming signalId when the subject's journal holds no such signal; "
                + "409 when the signal was already retracted.")
            .Accepts<DisputeRequest>("application/json")
            .RequireRole(Roles.Reader)
            .Audited();

        app.MapGet("/v1/subjects/{kind}/{id}/disputes", ListForSubjectAsync)
            .WithName("ListSubjectDisputes")
            .WithSummary("List a subject's disputes, newest first")
            .RequireRole(Roles.Reader)
            .Audited();

        app.MapGet("/v1/disputes", ListAsync)
            .WithName("ListDisputes")
            .WithSummary("The operators' list of disputes, the one due first at the top")
            .WithDescription("status: open (default), upheld or retracted; overdue=true: only open disputes past their dueAt; limit: 1-1000 (default 100).")
            .RequireRole(Roles.Reader)
            .Audited();

        app.MapGet("/v1/disputes/{disputeId}", GetAsync)
            .WithName("GetDispute")
            .WithSummary("Read one dispute")
            .RequireRole(Roles.Reader)
            .Audited();

        app.MapPost("/v1/disputes/{disputeId}/resolution", ResolveAsync)
            .WithName("ResolveDispute")
            .WithSummary("Resolve a dispute: upheld (the signal stands) or retracted (it no longer counts)")
            .WithDescription(
                "Body {\"outcome\": \"upheld\" | \"retracted\", \"note\": \"...\"}. Retracted journals a retraction, refolds the subject without the "
                + "signal and emits a crossing with the retraction as its first reason if the band changes. Resolving again with the same outcome "
                + "answers the resolved dispute; with the other one it is a 409.")
            .Accepts<ResolutionRequest>("application/json")
            .RequireRole(Roles.Admin)
            .Audited();
    }

    private static async Task<IResult> OpenAsync(string kind, string id, IGrainFactory grains, HttpContext http)
    {
        if (!SubjectEndpoints.TryKey(kind, id, out var key, out var problem))
        {
            return problem;
        }

        var body = await ReadBodyAsync(http, "signalId", "reason");
        if (body.Problem is { } invalid)
        {
            return invalid;
        }

        var signalId = body.Values[0];
        if (signalId.Length > ScoringEngine.MaxSignalIdLength)
        {
            return SubjectEndpoints.Invalid("signalId", $"signalId has {signalId.Length} characters; at most {ScoringEngine.MaxSignalIdLength} are allowed.");
        }

        try
        {
            var opening = await grains.GetGrain<ISubjectGrain>(key).OpenDisputeAsync(signalId, body.Values[1], SubjectEndpoints.Caller(http));
            return opening.Created
                ? TypedResults.Created($"/v1/disputes/{opening.Dispute.Id}", opening.Dispute)
                : TypedResults.Ok(opening.Dispute);
        }
        catch (KeyNotFoundException exception)
        {
            return TypedResults.Problem(title: "No such signal.", detail: exception.Message, statusCode: StatusCodes.Status404NotFound,
                extensions: new Dictionary<string, object?> { ["field"] = "signalId" });
        }
        catch (Exception exception) when (exception is InvalidOperationException or NotSupportedException)
        {
            return TypedResults.Problem(title: "The dispute cannot be opened.", detail: exception.Message, statusCode: StatusCodes.Status409Conflict);
        }
        catch (Exception exception) when (SubjectEndpoints.IsUnavailable(exception))
        {
            return SubjectEndpoints.Unavailable(http, exception);
        }
    }

    private static async Task<IResult> ListForSubjectAsync(string kind, string id, DisputeStore disputes, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!SubjectEndpoints.TryKey(kind, id, out var key, out var problem))
        {
            return problem;
        }

        var rows = await disputes.ListForSubjectAsync(key, cancellationToken);
        var now = time.GetUtcNow();
        return TypedResults.Ok(new DisputeList([.. rows.Select(r => r.ToDispute(now))]));
    }

    private static async Task<IResult> ListAsync(string? status, string? overdue, string? limit, DisputeStore disputes, TimeProvider time, CancellationToken cancellationToken)
    {
        status ??= DisputeStatus.Open;
        if (!DisputeStatus.IsKnown(status))
        {
            return SubjectEndpoints.Invalid("status", $"status must be {DisputeStatus.Open}, {DisputeStatus.Upheld} or {DisputeStatus.Retracted}.");
        }

        if (overdue is not (null or "true" or "false"))
        {
            return SubjectEndpoints.Invalid("overdue", "overdue must be true or false.");
        }

        if (overdue == "true" && status != DisputeStatus.Open)
        {
            return SubjectEndpoints.Invalid("overdue", "Only open disputes can be overdue.");
        }

        if (!QueryNumber.TryParse(limit, 1, DisputeStore.MaxList, out var size, out var message))
        {
            return SubjectEndpoints.Invalid("limit", $"limit must be a page size: {message}");
        }

        var now = time.GetUtcNow();
        var rows = await disputes.ListAsync(status, overdue == "true" ? now : null, (int)(size ?? 100), cancellationToken);
        return TypedResults.Ok(new DisputeList([.. rows.Select(r => r.ToDispute(now))]));
    }

    private static async Task<IResult> GetAsync(string disputeId, DisputeStore disputes, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(disputeId, out var guid))
        {
            return SubjectEndpoints.Invalid("disputeId", "A dispute id is a UUID, as returned when the dispute was opened.");
        }

        return await disputes.GetAsync(guid, cancellationToken) is { } row
            ? TypedResults.Ok(row.ToDispute(time.GetUtcNow()))
            : NoSuchDispute(guid);
    }

    private static async Task<IResult> ResolveAsync(string disputeId, IGrainFactory grains, DisputeStore disputes, HttpContext http)
    {
        if (!Guid.TryParse(disputeId, out var guid))
        {
            return SubjectEndpoints.Invalid("disputeId", "A dispute id is a UUID, as returned when the dispute was opened.");
        }

        var body = await ReadBodyAsync(http, "outcome", "note");
        if (body.Problem is { } invalid)
        {
            return invalid;
        }

        var outcome = body.Values[0];
        if (!DisputeStatus.IsOutcome(outcome))
        {
            return SubjectEndpoints.Invalid("outcome", $"outcome must be \"{DisputeStatus.Upheld}\" or \"{DisputeStatus.Retracted}\".");
        }

        if (await disputes.GetAsync(guid, http.RequestAborted) is not { } row)
        {
            return NoSuchDispute(guid);
        }

        try
        {
            return TypedResults.Ok(await grains.GetGrain<ISubjectGrain>(row.SubjectKey).ResolveDisputeAsync(guid, outcome, body.Values[1], SubjectEndpoints.Caller(http)));
        }
        catch (KeyNotFoundException)
        {
            return NoSuchDispute(guid);
        }
        catch (Exception exception) when (exception is InvalidOperationException or NotSupportedException)
        {
            return TypedResults.Problem(title: "The dispute cannot be resolved so.", detail: exception.Message, statusCode: StatusCodes.Status409Conflict);
        }
        catch (Exception exception) when (SubjectEndpoints.IsUnavailable(exception))
        {
            return SubjectEndpoints.Unavailable(http, exception);
        }
    }

    /// <summary>
    /// A JSON object's required string fields, each non-blank and at most <see cref="MaxText"/> characters, or the 400
    /// naming the first one that is not.
    /// </summary>
    private static async Task<(string[] Values, Microsoft.AspNetCore.Http.HttpResults.ValidationProblem? Problem)> ReadBodyAsync(HttpContext http, params string[] fields)
    {
        JsonElement body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<JsonElement>(http.Request.Body, cancellationToken: http.RequestAborted);
        }
        catch (JsonException exception)
        {
            return ([], SubjectEndpoints.Invalid("body", $"Malformed JSON: {exception.Message}"));
        }

        if (body.ValueKind != JsonValueKind.Object)
        {
            return ([], SubjectEndpoints.Invalid("body", $"The body must be a JSON object with {string.Join(" and ", fields)}."));
        }

        var values = new string[fields.Length];
        for (var i = 0; i < fields.Length; i++)
        {
            var field = fields[i];
            if (!body.TryGetProperty(field, out var value) || value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
            {
                return ([], SubjectEndpoints.Invalid(field, $"{field} is required, as a non-blank string."));
            }

            values[i] = value.GetString()!;
            if (values[i].Length > MaxText)
            {
                return ([], SubjectEndpoints.Invalid(field, $"{field} has {values[i].Length} characters; at most {MaxText} are allowed."));
            }
        }

        return (values, null);
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult NoSuchDispute(Guid id) =>
        TypedResults.Problem(title: "No such dispute.", detail: $"Dispute {id} does not exist.", statusCode: StatusCodes.Status404NotFound);
}

/// <summary>The body of <c>POST /v1/subjects/{kind}/{id}/disputes</c>.</summary>
internal sealed record DisputeRequest(string SignalId, string Reason);

/// <summary>The body of <c>POST /v1/disputes/{id}/resolution</c>.</summary>
internal sealed record ResolutionRequest(string Outcome, string Note);

/// <summary>A list of disputes.</summary>
internal sealed record DisputeList(IReadOnlyList<Dispute> Disputes);
