using System.Security.Cryptography;
using System.Text;

namespace ScoreGrains.Silo.Security;

/// <summary>The configured keys as hashes, and the lookup of a presented key by its hash in constant time.</summary>
public sealed class ApiKeys
{
    private readonly Entry[] _entries;

    public ApiKeys(SecurityOptions options)
    {
        var problems = new List<string>();
        var entries = new List<Entry>();
        foreach (var (name, key) in options.Keys)
        {
            var path = $"{SecurityOptions.Section}:Keys:{name}";
            if (!IsValidName(name))
            {
                problems.Add($"'{path}': a key's name is letters, digits and '_' (it is part of environment variable names)");
            }

            byte[]? hash = null;
            if (key.Sha256 is not { Length: 64 } hex || !hex.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f'))
            {
                problems.Add($"'{path}:Sha256' must be the lower-case hex SHA-256 of the key (64 characters); make one with --new-key");
            }
            else
            {
                hash = Convert.FromHexString(hex);
            }

            if (key.Roles.Count == 0)
            {
                problems.Add($"'{path}:Roles' needs one or more of {string.Join(", ", Roles.All)}");
            }

            problems.AddRange(key.Roles.Where(r => !Roles.All.Contains(r)).Select(r => $"'{path}:Roles' has '{r}'; roles are {string.Join(", ", Roles.All)}"));
            if (key.SignalsPerSecond is { } rate && !(rate >= 1 && double.IsFinite(rate)))
            {
                problems.Add($"'{path}:SignalsPerSecond' must be at least 1 (unset: no limit)");
            }

            if (hash is not null)
            {
                entries.Add(new Entry(name, hash, [.. key.Roles.Distinct(StringComparer.Ordinal)], key.SignalsPerSecond, key.Revoked));
            }
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException("Bad API key settings: " + string.Join("; ", problems) + ".");
        }

        _entries = [.. entries];
    }

    /// <summary>Keys that are not revoked.</summary>
    public int ActiveCount => _entries.Count(e => !e.Revoked);

    /// <summary>The key whose hash matches <paramref name="presented"/>, or null. Every entry is compared, each in constant time.</summary>
    public Entry? Find(string presented)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(presented), hash);
        Entry? found = null;
        foreach (var entry in _entries)
        {
            if (CryptographicOperations.FixedTimeEquals(hash, entry.Hash))
            {
                found = entry;
            }
        }

        return found;
    }

    /// <summary>Letters, digits and '_': usable in an environment variable's name.</summary>
    public static bool IsValidName(string name) => name.Length is > 0 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    /// <summary>Lower-case hex SHA-256 of the key's UTF-8 bytes, as <c>Sha256</c> takes it.</summary>
    public static string HashOf(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public sealed record Entry(string Name, byte[] Hash, IReadOnlyList<string> Roles, double? SignalsPerSecond, bool Revoked);
}
