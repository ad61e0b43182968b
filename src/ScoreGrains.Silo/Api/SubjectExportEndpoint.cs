using System.Text.Json;
using Microsoft.Extensions.Options;
using ScoreGrains.Contracts;
using ScoreGrains.Postgres.Crossings;
using ScoreGrains.Grains.Subjects;
using ScoreGrains.Postgres.Journal;
using ScoreGrains.Postgres.Rights;
using ScoreGrains.Silo.Security;

namespace ScoreGrains.Silo.Api;

/// <summary>
/// <c>GET /v1/subjects/{kind}/{id}/export</c>: everything held about one subject as one JSON document (GDPR Art. 15,
/// the right of access): its score with the principal reasons, every journal entry with its effect, every crossing
/// it caused and its disputes. Streamed: the journal and the crossings are read and written a page at a time, so a subject with
/// millions of entries is never held in memory whole.
/// </summary>
internal static class SubjectExportEndpoint
{
    private const int CrossingPageRows = 1_000;

    public static void MapSubjectExportEndpoint(this IEndpointRouteBuilder app) =>
        app.MapGet("/v1/subjects/{kind}/{id}/export", ExportAsync)
            .WithName("ExportSubject")
            .WithSummary("Export everything held about a subject (GDPR Art. 15)")
            .WithDescription("One JSON document, streamed: subject, exportedAt, score (with principal reasons), journal (every entry with its effect, oldest first), crossings (oldest first) and disputes (newest first).")
            .RequireRole(Roles.Reader)
            .Audited();

    private static async Task<IResult> ExportAsync(
        string kind, string id, IGrainFactory grains, JournalReader journal, CrossingFeedReader crossings, DisputeStore disputes, TimeProvider time,
        IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, HttpContext http, CancellationToken cancellationToken)
    {
        if (!SubjectEndpoints.TryKey(kind, id, out var key, out var problem))
        {
            return problem;
        }

        SubjectScore score;
        try
        {
            score = await grains.GetGrain<ISubjectGrain>(key).GetScoreAsync();
        }
        catch (Exception exception) when (SubjectEndpoints.IsUnavailable(exception))
        {
            return SubjectEndpoints.Unavailable(http, exception);
        }

        if (score.SignalCount == 0)
        {
            return TypedResults.Problem(title: "No signals recorded for this subject.", detail: $"Nothing is held about {key}.", statusCode: StatusCodes.Status404NotFound);
        }

        var options = json.Value.SerializerOptions;
        http.Response.ContentType = "application/json; charset=utf-8";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{kind}-{id}.json\"";
        await using var writer = new Utf8JsonWriter(http.Response.BodyWriter);
        writer.WriteStartObject();
        writer.WriteString("subject", key);
        writer.WriteString("exportedAt", time.GetUtcNow());
        writer.WritePropertyName("score");
        JsonSerializer.Serialize(writer, score, options);

        writer.WriteStartArray("journal");
        var written = 0;
        await foreach (var entry in journal.ReadAfterAsync(key, 0, cancellationToken: cancellationToken))
        {
            JsonSerializer.Serialize(writer, entry, options);
            if (++written % JournalReader.ReplayPageRows == 0)
            {
                await writer.FlushAsync(cancellationToken);
            }
        }

        writer.WriteEndArray();
        writer.WriteStartArray("crossings");
        var after = 0L;
        while (true)
        {
            var page = await crossings.ReadAsync(new CrossingQuery(after, CrossingPageRows, Subjects: [key]), cancellationToken);
            foreach (var row in page)
            {
                JsonSerializer.Serialize(writer, row, options);
            }

            await writer.FlushAsync(cancellationToken);
            if (page.Count < CrossingPageRows)
            {
                break;
            }

            after = page[^1].Sequence;
        }

        writer.WriteEndArray();
        writer.WriteStartArray("disputes");
        var now = time.GetUtcNow();
        foreach (var row in await disputes.ListForSubjectAsync(key, cancellationToken))
        {
            JsonSerializer.Serialize(writer, row.ToDispute(now), options);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        await writer.FlushAsync(cancellationToken);
        return TypedResults.Empty;
    }
}
