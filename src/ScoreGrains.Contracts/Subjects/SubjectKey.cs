namespace ScoreGrains.Contracts;

/// <summary>
/// The subject grain key <c>kind/id</c>. Ids are limited to letters, digits and <c>._:-</c> so a key is never
/// ambiguous; the <c>kind/</c> prefix also keeps every key from parsing as a hexadecimal integer, which the
/// ADO.NET storage provider would otherwise map to a colliding row (dotnet/orleans#9706).
/// </summary>
public static class SubjectKey
{
    /// <summary>Longest accepted subject id.</summary>
    public const int MaxIdLength = 64;

    /// <summary>What <see cref="IsValidId"/> accepts, for messages that say why an id was refused.</summary>
    public static readonly string IdRule = $"1-{MaxIdLength} letters, digits or . _ : -";

    public static string Format(string kind, string id) => $"{kind}/{id}";

    /// <summary>Splits a key made by <see cref="Format"/>.</summary>
    public static (string Kind, string Id) Parse(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == key.Length - 1)
        {
            throw new ArgumentException($"'{key}' is not a subject key of the form kind/id.", nameof(key));
        }

        return (key[..slash], key[(slash + 1)..]);
    }

    /// <summary>True when <paramref name="id"/> is a valid subject id (1..64 chars of letters, digits, <c>._:-</c>).</summary>
    public static bool IsValidId(string? id) =>
        !string.IsNullOrEmpty(id) && id.Length <= MaxIdLength && id.All(IsIdChar);

    private static bool IsIdChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or ':' or '-';
}
