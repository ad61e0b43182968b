using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ScoreGrains.Silo.Api;

/// <summary>
/// Reads a JSON number too large for a double (e.g. <c>1e999</c>) as infinity instead of failing the whole
/// request, so the scoring model rejects that one item ("value must be finite") and the rest of the batch applies.
/// </summary>
internal sealed class OverflowingDoubleConverter : JsonConverter<double>
{
    public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.Number)
        {
            throw new JsonException($"Expected a number but found {reader.TokenType}.");
        }

        if (reader.TryGetDouble(out var value))
        {
            return value;
        }

        var text = reader.HasValueSequence ? Encoding.UTF8.GetString(reader.ValueSequence) : Encoding.UTF8.GetString(reader.ValueSpan);
        return double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options) => writer.WriteNumberValue(value);
}
