using ScoreGrains.Contracts;
using ScoreGrains.Grains.Models;
using ScoreGrains.Scoring;
using ScoreGrains.Silo.Api;

namespace ScoreGrains.Silo.Notifications;

/// <summary>
/// The query of a crossing feed request: <c>kind</c> (one), <c>band</c> and <c>subject</c> (each may repeat or be
/// comma-separated), <c>after</c> (or the <c>Last-Event-ID</c> header, which wins: a browser reconnects with the
/// original URL plus that header) and <c>limit</c>. Each bad value is reported under its parameter's name.
/// </summary>
internal sealed record CrossingRequest(CrossingFilter Filter, long? After, int Limit)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1_000;

    public static CrossingRequest Parse(HttpRequest request, ActiveModels models, out Dictionary<string, string[]> errors)
    {
        errors = [];
        var query = request.Query;
        string? kind = null;
        if (query.TryGetValue("kind", out var kindText))
        {
            if (SubjectKinds.TryParse(kindText.ToString(), out var parsed))
            {
                kind = SubjectKinds.ToKey(parsed);
            }
            else
            {
                errors["kind"] = [$"'{kindText}' is not one of {SubjectKinds.Listed}."];
            }
        }

        var bands = Split(query["band"]);
        var known = models.Current.Models
            .Where(m => kind is null || SubjectKinds.ToKey(m.Kind) == kind)
            .SelectMany(m => m.Bands.Select(b => b.Name))
            .ToHashSet(StringComparer.Ordinal);
        if (bands.FirstOrDefault(b => !known.Contains(b)) is { } unknown)
        {
            errors["band"] = [$"'{unknown}' is not a band{(kind is null ? "" : " of " + kind)}; bands: {string.Join(", ", known)}."];
        }

        var subjects = Split(query["subject"]);
        foreach (var subject in subjects)
        {
            if (!IsSubjectKey(subject))
            {
                errors["subject"] = [$"'{subject}' is not kind/id (kind one of {SubjectKinds.Listed}; id {SubjectKey.IdRule})."];
            }
        }

        var after = Sequence(request.Headers["Last-Event-ID"].ToString(), "Last-Event-ID", errors)
            ?? Sequence(query["after"].ToString(), "after", errors);
        if (!QueryNumber.TryParse(query["limit"].ToString(), 1, MaxLimit, out var limit, out var message))
        {
            errors["limit"] = [message];
        }

        return new CrossingRequest(
            new CrossingFilter(kind, subjects.Count > 0 ? subjects : null, bands.Count > 0 ? bands : null), after, (int)(limit ?? DefaultLimit));
    }

    private static List<string> Split(Microsoft.Extensions.Primitives.StringValues values) =>
        [.. values.SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Distinct(StringComparer.Ordinal)];

    private static bool IsSubjectKey(string text)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        return slash > 0
            && SubjectKinds.TryParse(text[..slash], out var kind)
            && SubjectKinds.ToKey(kind) == text[..slash]
            && SubjectKey.IsValidId(text[(slash + 1)..]);
    }

    private static long? Sequence(string text, string name, Dictionary<string, string[]> errors)
    {
        if (QueryNumber.TryParse(text, 0, long.MaxValue, out var sequence, out var message))
        {
            return sequence;
        }

        errors[name] = [$"{message} It is a crossing sequence."];
        return null;
    }
}
