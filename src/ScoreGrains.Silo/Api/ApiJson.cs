using System.Text.Json;
using System.Text.Json.Serialization;

namespace ScoreGrains.Silo.Api;

/// <summary>The JSON shape of the HTTP API: camelCase names, enums as camelCase strings.</summary>
internal static class ApiJson
{
    public static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        options.NumberHandling = JsonNumberHandling.Strict;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        options.Converters.Add(new OverflowingDoubleConverter());
        options.Converters.Add(new OffsetRequiredDateTimeOffsetConverter());
    }
}
