using Microsoft.AspNetCore.Http.HttpResults;
using ScoreGrains.Contracts;
using ScoreGrains.Scoring;

namespace ScoreGrains.Silo.Api;

internal static class SubjectEndpoints
{
    public static void MapSubjectEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/subjects/{kind}/{id}", GetSubjectAsync)
            .WithName("GetSubject")
            .WithSummary("Read a subject's score")
            .WithDescription("Score, band, model version, the per-dimension breakdown and the reasons (key factors) that moved the score most.");
    }

    private static async Task<Results<Ok<SubjectScore>, ValidationProblem, NotFound<Microsoft.AspNetCore.Mvc.ProblemDetails>>> GetSubjectAsync(
        string kind, string id, IGrainFactory grains)
    {
        if (!SubjectKinds.TryParse(kind, out var subjectKind))
        {
            return Invalid("kind", $"'{kind}' is not one of citizen, company, official.");
        }

        if (!SubjectKey.IsValidId(id))
        {
            return Invalid("id", $"A subject id is 1-{SubjectKey.MaxIdLength} letters, digits or . _ : -");
        }

        var key = SubjectKey.Format(SubjectKinds.ToKey(subjectKind), id);
        var score = await grains.GetGrain<ISubjectGrain>(key).GetScoreAsync();
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

    private static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });
}
