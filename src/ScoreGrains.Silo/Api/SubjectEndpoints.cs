using Microsoft.AspNetCore.Http.HttpResults;
using ScoreGrains.Contracts;
using ScoreGrains.Postgres.Journal;
using ScoreGrains.Scoring;
using ScoreGrains.Silo.Security;

namespace ScoreGrains.Silo.Api;

internal static partial class SubjectEndpoints
{
    public static void MapSubjectEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/subjects/{kind}/{id}", GetSubjectAsync)
            .WithName("GetSubject")
            .WithSummary("Read a subject's score")
            .WithDescription(
                "Score, band, model version, the per-dimension breakdown and the principal reasons (at most four key factors, largest impact first). "
                + "With asOf (an RFC 3339 time with its offset, not in the future): the score as the system held it then, replayed from the journal "
                + "with the model in use now; before the subject's first signal, the start score with signalCount 0.")
            .RequireRole(Roles.Reader)
            .Audited();

        app.MapGet("/v1/subjects/{kind}/{id}/history", GetHistoryAsync)
            .WithName("GetSubjectHistory")
            .WithSummary("Read a subject's journal: every applied signal with its effect, newest first")
            .WithDescription("Pages backwards: pass the returned 'before' to get the next older page. Empty in per-signal mode, which keeps no journal.")
            .RequireRole(Roles.Reader)
            .Audited();

        app.MapDelete("/v1/subjects/{kind}/{id}", EraseAsync)
            .WithName("EraseSubject")
            .WithSummary("Erase everything held about a subject (GDPR Art. 17)")
            .WithDescription(
                "In one transaction: the journal rows, the snapshot and the personal fields of its crossings; leaves a tombstone "
                + "without personal data (the key's SHA-256, when, who asked). Afterwards the subject reads as never seen, and a "
                + "signal with an erased signalId is applied as new.")
            .RequireRole(Roles.Admin)
            .Audited();
    }

    private static async Task<Results<Ok<ErasureReceipt>, ValidationProblem, NotFound<Microsoft.AspNetCore.Mvc.ProblemDetails>, ProblemHttpResult>> EraseAsync(
        string kind, string id, IGrainFactory grains, HttpContext http)
    {
        if (!TryKey(kind, id, out var key, out var problem))
        {
            return problem;
        }

        ErasureReceipt receipt;
        try
        {
            receipt = await grains.GetGrain<ISubjectGrain>(key).EraseAsync(Caller(http));
        }
        catch (Exception exception) when (IsUnavailable(exception))
        {
            return Unavailable(http, exception);
        }

        if (!receipt.Erased)
        {
            return TypedResults.NotFound(new Microsoft.AspNetCore.Mvc.ProblemDetails
            {
                Status = StatusCodes.Status404NotFound,
                Title = "Nothing is held about this subject.",
                Detail = $"{key} has no journal rows and no snapshot; no tombstone was written.",
            });
        }

        return TypedResults.Ok(receipt);
    }

    private static async Task<Results<Ok<HistoryPage>, ValidationProblem>> GetHistoryAsync(
        string kind, string id, string? before, string? limit, JournalReader journal, CancellationToken cancellationToken)
    {
        if (!TryKey(kind, id, out var key, out var problem))
        {
            return problem;
        }

        if (!QueryNumber.TryParse(before, 1, long.MaxValue, out var beforeSeq, out var message))
        {
            return Invalid("before", $"before must be a journal position (seq): {message}");
        }

        if (!QueryNumber.TryParse(limit, 1, HistoryPage.MaxLimit, out var pageSize, out message))
        {
            return Invalid("limit", $"limit must be a page size: {message}");
        }

        var size = (int)(pageSize ?? HistoryPage.DefaultLimit);
        var entries = await journal.ReadHistoryAsync(key, beforeSeq ?? long.MaxValue, size, cancellationToken);
        return TypedResults.Ok(HistoryPage.From(entries, size));
    }

    /// <summary>The subject key of a route's <c>{kind}/{id}</c>, or the 400 problem naming the part that is wrong.</summary>
    internal static bool TryKey(string kind, string id, out string key, out ValidationProblem problem)
    {
        key = "";
        problem = null!;
        if (!SubjectKinds.TryParse(kind, out var subjectKind))
        {
            problem = Invalid("kind", $"'{kind}' is not one of {SubjectKinds.Listed}.");
            return false;
        }

        if (!SubjectKey.IsValidId(id))
        {
            problem = Invalid("id", $"A subject id is {SubjectKey.IdRule}.");
            return false;
        }

        key = SubjectKey.Format(SubjectKinds.ToKey(subjectKind), id);
        return true;
    }

    private static async Task<Results<Ok<SubjectScore>, ValidationProblem, NotFound<Microsoft.AspNetCore.Mvc.ProblemDetails>, ProblemHttpResult>> GetSubjectAsync(
        string kind, string id, string? asOf, IGrainFactory grains, HttpContext http)
    {
        if (!TryKey(kind, id, out var key, out var problem))
        {
            return problem;
        }

        DateTimeOffset? at = null;
        if (asOf is not null)
        {
            if (!TryParseRfc3339(asOf, out var parsed))
            {
                return Invalid("asOf", "asOf must be an RFC 3339 time with its offset, such as 2026-12-01T09:30:00Z.");
            }

            at = parsed;
        }

        var subject = grains.GetGrain<ISubjectGrain>(key);
        SubjectScore score;
        try
        {
            score = at is { } past ? await subject.GetScoreAsync(past) : await subject.GetScoreAsync();
            if (score.SignalCount == 0 && at is not null && (await subject.GetScoreAsync()).SignalCount > 0)
            {
                return TypedResults.Ok(score); // the subject exists, but had no signal yet at asOf: its start score
            }
        }
        catch (Exception exception) when (IsUnavailable(exception))
        {
            return Unavailable(http, exception);
        }
        catch (Exception exception) when (exception is ArgumentOutOfRangeException or NotSupportedException)
        {
            return Invalid("asOf", exception.Message); // a time in the future, or a silo without the journal to replay
        }

        if (score.SignalCount == 0)
        {
            return TypedResults.NotFound(new Microsoft.AspNetCore.Mvc.ProblemDetails
            {
                Status = StatusCodes.Status404NotFound,
                Title = "No signals recorded for this subject.",
                Detail = $"{key} has no signals; its score would be the model's start score.",
            });
        }

        return TypedResults.Ok(score);
    }

    /// <summary>An RFC 3339 date-time: a date, a time and an offset (Z or ±hh:mm); a local time without one is refused.</summary>
    private static bool TryParseRfc3339(string text, out DateTimeOffset time)
    {
        time = default;
        return Rfc3339().IsMatch(text)
            && DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out time);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,7})?([Zz]|[+-]\d{2}:\d{2})$")]
    private static partial System.Text.RegularExpressions.Regex Rfc3339();

    /// <summary>
    /// A subject call that failed because the subject cannot answer now: it is reloading after a failed write, its
    /// storage is unreachable (its activation failed), or the cluster did not answer in time.
    /// </summary>
    internal static bool IsUnavailable(Exception exception) => exception is SubjectUnavailableException or TimeoutException or OrleansException;

    /// <summary>503 with Retry-After for an <see cref="IsUnavailable"/> failure: retrying shortly is the answer, not a 500.</summary>
    internal static ProblemHttpResult Unavailable(HttpContext http, Exception exception)
    {
        http.Response.Headers.RetryAfter = "1";
        return TypedResults.Problem(
            title: "The subject cannot answer now; retry shortly.",
            detail: exception.Message,
            statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    /// <summary>Who asked, as the audit and the records name them: the API key's name, or the open-mode principal.</summary>
    internal static string Caller(HttpContext http) => http.User.Identity?.Name ?? ApiKeyAuthenticationHandler.OpenPrincipal;

    internal static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });
}
