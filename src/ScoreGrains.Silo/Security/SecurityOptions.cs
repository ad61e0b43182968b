namespace ScoreGrains.Silo.Security;

/// <summary>Who may call the HTTP API: <c>ScoreGrains:Security</c>.</summary>
public sealed class SecurityOptions
{
    public const string Section = "ScoreGrains:Security";

    /// <summary>The keys, one section per key name.</summary>
    public const string KeysSection = Section + ":Keys";

    /// <summary>
    /// <c>keys</c>: every endpoint but the health probes and the dashboard's files needs a key with the right role.
    /// <c>open</c>: no checks, allowed only while every HTTP endpoint listens on loopback. Unset: <c>open</c> on
    /// loopback (with a warning at start), and a refusal to start on any other address.
    /// </summary>
    public SecurityMode? Mode { get; set; }

    /// <summary>The API keys by name: the name is what logs and audit events show, never the key.</summary>
    public Dictionary<string, ApiKeyOptions> Keys { get; set; } = new(StringComparer.Ordinal);
}

public enum SecurityMode
{
    Keys,
    Open,
}

/// <summary>One API key: <c>ScoreGrains:Security:Keys:&lt;name&gt;</c>.</summary>
public sealed class ApiKeyOptions
{
    /// <summary>Lower-case hex SHA-256 of the key's UTF-8 bytes (the silo never holds the key itself).</summary>
    public string? Sha256 { get; set; }

    /// <summary>One or more of <c>producer</c>, <c>reader</c>, <c>admin</c>.</summary>
    public List<string> Roles { get; set; } = [];

    /// <summary>Most signals per second this key may post (a token bucket holding one second's worth); unset: no limit.</summary>
    public double? SignalsPerSecond { get; set; }

    /// <summary>A revoked key is refused with 401 and its name in the log, so an operator sees who still uses it.</summary>
    public bool Revoked { get; set; }
}
