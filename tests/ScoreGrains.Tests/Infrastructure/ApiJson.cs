using System.Text.Json;
using System.Text.Json.Serialization;

namespace ScoreGrains.Tests.Infrastructure;

/// <summary>JSON as the HTTP API writes it: web defaults, enums as camelCase strings.</summary>
public static class ApiJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };
}
