using System.Text.Json;
using ScoreGrains.Contracts;

namespace ScoreGrains.Grains.Subjects;

/// <summary>A crossing's reasons as stored in <c>crossings.reasons</c> (jsonb): camelCase, like the HTTP API.</summary>
internal static class ReasonsJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static string Serialize(IReadOnlyList<ScoreReason> reasons) => JsonSerializer.Serialize(reasons, Options);
}
