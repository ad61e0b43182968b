using ScoreGrains.Contracts;

namespace ScoreGrains.Tests.Infrastructure;

/// <summary>Builds valid signals for tests; vary one field with <c>with</c> to make a bad one.</summary>
public static class Signals
{
    public static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    public static SignalInput For(string kind, string id, string type, double? value = null, DateTimeOffset? occurredAt = null) => new()
    {
        SignalId = Guid.NewGuid().ToString("N"),
        Subject = new SubjectInput { Kind = kind, Id = id },
        Type = type,
        Value = value,
        OccurredAt = occurredAt ?? Now.AddMinutes(-1),
        Source = "tests",
    };

    /// <summary>A subject id no other test uses.</summary>
    public static string NewId() => "t" + Guid.NewGuid().ToString("N")[..16];
}
