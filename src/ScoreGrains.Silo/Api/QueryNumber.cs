using System.Globalization;

namespace ScoreGrains.Silo.Api;

/// <summary>
/// A whole-number query parameter, read by hand: when minimal APIs bind one (<c>int? limit</c>) and it is not a
/// number, they answer a bare 400 that does not say which parameter was wrong.
/// </summary>
internal static class QueryNumber
{
    /// <summary>
    /// Reads <paramref name="text"/> as a whole number from <paramref name="min"/> to <paramref name="max"/>: null when
    /// it is absent or empty; otherwise false, with the message for the caller's problem, when it is not such a number.
    /// </summary>
    public static bool TryParse(string? text, long min, long max, out long? value, out string message)
    {
        value = null;
        message = "";
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed >= min && parsed <= max)
        {
            value = parsed;
            return true;
        }

        message = max == long.MaxValue ? $"'{text}' is not a whole number of {min} or more." : $"'{text}' is not a whole number from {min} to {max}.";
        return false;
    }
}
