namespace ScoreGrains.Silo.Security;

/// <summary>The roles a key can hold; each is also the name of the authorization policy that requires it.</summary>
public static class Roles
{
    /// <summary>Posts signals.</summary>
    public const string Producer = "producer";

    /// <summary>Reads scores, history, crossings, streams, stats, models and metrics: the dashboard's data.</summary>
    public const string Reader = "reader";

    /// <summary>Everything the other two may do, plus the admin operations (models).</summary>
    public const string Admin = "admin";

    public static IReadOnlyList<string> All { get; } = [Producer, Reader, Admin];
}
