using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using ScoreGrains.Grains.Models;
using ScoreGrains.Postgres.Models;
using ScoreGrains.Scoring;
using ScoreGrains.Silo.Security;

namespace ScoreGrains.Silo.Api;

/// <summary>
/// <c>GET /v1/models</c> (the versions in use) and <c>PUT /v1/models/{kind}</c> (admin: a new version, no restart).
/// An upload is validated as at start-up, recorded in <c>scoring_models</c> with the key's name and the time, taken
/// into use on this silo at once and on the others within <c>ScoreGrains:ModelPollInterval</c>. Subjects rescore from
/// their journal when they next activate or on their next signal.
/// </summary>
internal static class ModelEndpoints
{
    /// <summary>Far above any real model (the shipped ones are 3-4 KB), far below a body that could hurt.</summary>
    public const int MaxModelBytes = 1 << 20;

    public static void MapModelEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/models", (ActiveModels models) => TypedResults.Ok(List(models)))
            .WithName("GetModels")
            .WithSummary("The scoring model in use per kind")
            .WithDescription("Version, description, and where it came from: the models directory, or an upload (who, when).")
            .RequireRole(Roles.Reader);

        app.MapPut("/v1/models/{kind}", PutModelAsync)
            .WithName("PutModel")
            .WithSummary("Put a new model version in use for a kind")
            .WithDescription("The body is the model's JSON, as in cluster-config/models. Its version must differ from the one in use. Subjects rescore from their journal when they next activate or on their next signal; no restart.")
            .Accepts<object>("application/json")
            .Produces<ModelInfo>()
            .ProducesValidationProblem()
            .RequireRole(Roles.Admin)
            .Audited();
    }

    private static async Task<Results<Ok<ModelInfo>, ValidationProblem>> PutModelAsync(
        string kind, HttpRequest request, ActiveModels models, ModelStore store, ModelSync sync, CancellationToken cancellationToken)
    {
        if (!SubjectKinds.TryParse(kind, out var subjectKind))
        {
            return Invalid("kind", $"kind must be one of {string.Join(", ", SubjectKinds.All.Select(SubjectKinds.ToKey))}.");
        }

        var document = await ReadBodyAsync(request, cancellationToken);
        if (document is null)
        {
            return Invalid("body", $"The model must be at most {MaxModelBytes} bytes of UTF-8 JSON.");
        }

        ScoringModel model;
        try
        {
            model = ScoringModel.Parse(document);
        }
        catch (ScoringModelException e)
        {
            return Invalid(e.Field ?? "body", e.Message);
        }

        if (model.Kind != subjectKind)
        {
            return Invalid("kind", $"The model is for kind \"{SubjectKinds.ToKey(model.Kind)}\", not \"{kind}\" as the path says.");
        }

        // Subjects tell an old sheet from a new one by the version: the same version with other rules would leave
        // stored scores that no replay reproduces.
        var inUse = models.For(subjectKind);
        if (model.Version == inUse.Version)
        {
            return Invalid("version", $"version \"{model.Version}\" is the one in use; give the new model a new version.");
        }

        var changedBy = request.HttpContext.User.Identity?.Name ?? ApiKeyAuthenticationHandler.OpenPrincipal;
        var upload = await store.AddAsync(sync.ServiceId, SubjectKinds.ToKey(subjectKind), model.Version, document, changedBy, cancellationToken);
        sync.Take(upload);
        return TypedResults.Ok(Info(models.For(subjectKind), models));
    }

    private static async Task<string?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxModelBytes)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxModelBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    private static ModelList List(ActiveModels models) => new([.. models.Current.Models.Select(m => Info(m, models))]);

    private static ModelInfo Info(ScoringModel model, ActiveModels models) =>
        models.Uploads.TryGetValue(model.Kind, out var upload) && upload.Version == model.Version
            ? new ModelInfo(SubjectKinds.ToKey(model.Kind), model.Version, model.Description, "upload", upload.ChangedBy, upload.ChangedAt)
            : new ModelInfo(SubjectKinds.ToKey(model.Kind), model.Version, model.Description, "directory", null, null);

    private static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, title: "The model cannot be used.");
}

/// <summary>The models in use, one per kind.</summary>
internal sealed record ModelList(IReadOnlyList<ModelInfo> Models);

/// <summary>A model in use: from the models directory, or uploaded by <c>ChangedBy</c> at <c>ChangedAt</c>.</summary>
internal sealed record ModelInfo(string Kind, string Version, string Description, string Source, string? ChangedBy, DateTimeOffset? ChangedAt);
