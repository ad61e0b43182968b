using System.Text.Json;
using System.Text.Json.Serialization;
using ScoreGrains.Contracts;

namespace ScoreGrains.LoadTest.Targets;

/// <summary>The HTTP API's JSON shapes (camelCase, enums as strings), source-generated so the producer stays cheap.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, UseStringEnumConverter = true)]
[JsonSerializable(typeof(List<SignalInput>))]
[JsonSerializable(typeof(HttpIngestResponse))]
[JsonSerializable(typeof(SubjectScore))]
internal sealed partial class LoadTestJson : JsonSerializerContext;
