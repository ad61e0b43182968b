using System.Text.Json;
using ScoreGrains.Contracts;
using ScoreGrains.Grains.Observability;
using ScoreGrains.Scoring;

namespace ScoreGrains.Silo.Api;

/// <summary>
/// The items of a well-formed JSON array, read one by one: an item with a wrongly typed field (a string for
/// <c>value</c>, a date without offset) is rejected on its own, naming the field, and the rest of the batch applies.
/// </summary>
internal sealed class SignalItems
{
    private readonly SignalOutcome?[] _unreadable;
    private readonly List<int> _positions;
    private readonly SignalTally? _unreadableTally;

    private SignalItems(SignalOutcome?[] unreadable, List<SignalInput> readable, List<int> positions, SignalTally? unreadableTally)
    {
        _unreadable = unreadable;
        Readable = readable;
        _positions = positions;
        _unreadableTally = unreadableTally;
    }

    /// <summary>The items that could be read, in batch order.</summary>
    public List<SignalInput> Readable { get; }

    public static SignalItems Read(IReadOnlyList<JsonElement> elements, JsonSerializerOptions options)
    {
        var unreadable = new SignalOutcome?[elements.Count];
        var readable = new List<SignalInput>(elements.Count);
        var positions = new List<int>(elements.Count);
        SignalTally? unreadableTally = null;
        for (var i = 0; i < elements.Count; i++)
        {
            try
            {
                readable.Add(elements[i].Deserialize<SignalInput>(options) ?? new SignalInput());
                positions.Add(i);
            }
            catch (JsonException exception)
            {
                var field = exception.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : "item";
                unreadable[i] = SignalOutcome.Rejected(SignalIdOf(elements[i]), field, SignalOutcomeCodes.InvalidJson, $"{field}: {exception.Message}");
                (unreadableTally ??= new SignalTally()).Add(KindOf(elements[i]), SignalStatus.Rejected);
            }
        }

        return new SignalItems(unreadable, readable, positions, unreadableTally);
    }

    /// <summary>Counts the unreadable items' rejections, once they are answered: the ingest grain counts the rest.</summary>
    public void CountUnreadable(ScoreGrainsMetrics metrics)
    {
        if (_unreadableTally is { } tally)
        {
            metrics.CountSignals(tally);
        }
    }

    /// <summary>The outcomes of the whole batch, in its order: the readable items' results and the unreadable ones' rejections.</summary>
    public IngestResult Merge(IngestResult readableResult)
    {
        var outcomes = new SignalOutcome[_unreadable.Length];
        for (var i = 0; i < _unreadable.Length; i++)
        {
            outcomes[i] = _unreadable[i]!;
        }

        for (var j = 0; j < _positions.Count; j++)
        {
            outcomes[_positions[j]] = readableResult.Outcomes[j];
        }

        return new IngestResult(outcomes);
    }

    /// <summary>The item's signalId for its rejection, when it has one that reads as text.</summary>
    private static string? SignalIdOf(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty("signalId", out var id) ? TextOf(id) : null;

    /// <summary>The item's subject kind for the metrics, when it names one.</summary>
    private static SubjectKind? KindOf(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty("subject", out var subject) && subject.ValueKind == JsonValueKind.Object
            && subject.TryGetProperty("kind", out var kind) && SubjectKinds.TryParse(TextOf(kind), out var parsed)
            ? parsed
            : null;

    private static string? TextOf(JsonElement text)
    {
        if (text.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        // The array was parsed without decoding its strings: text with a lone surrogate ("\ud800") or bytes that are
        // not UTF-8 fails here as it failed the item, and must not turn the item's rejection into a failed request.
        try
        {
            return text.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }
}
