using System.Text;

namespace ScoreGrains.Scoring;

/// <summary>The one textual form of <see cref="SubjectKind"/> used in keys, URLs, JSON and model files.</summary>
public static class SubjectKinds
{
    /// <summary>All kinds, in enum order.</summary>
    public static IReadOnlyList<SubjectKind> All { get; } = [SubjectKind.Citizen, SubjectKind.Company, SubjectKind.Official];

    /// <summary>Every kind's key, for messages that say what a kind may be: "citizen, company, official".</summary>
    public static string Listed { get; } = string.Join(", ", All.Select(ToKey));

    /// <summary>
    /// Parses exactly "citizen", "company" or "official", ASCII case-insensitive. Anything else
    /// (numbers, padding, non-ASCII look-alikes such as a dotless i) is rejected, unlike <see cref="Enum.TryParse{TEnum}(string?, bool, out TEnum)"/>.
    /// </summary>
    public static bool TryParse(string? text, out SubjectKind kind)
    {
        // Parsed for every signal: index, so no enumerator is boxed.
        for (var i = 0; i < All.Count; i++)
        {
            var candidate = All[i];
            if (text is not null && Ascii.EqualsIgnoreCase(text, ToKey(candidate)))
            {
                kind = candidate;
                return true;
            }
        }

        kind = default;
        return false;
    }

    /// <summary>The lower-case key: "citizen", "company" or "official".</summary>
    public static string ToKey(SubjectKind kind) => kind switch
    {
        SubjectKind.Citizen => "citizen",
        SubjectKind.Company => "company",
        SubjectKind.Official => "official",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown subject kind."),
    };
}
