namespace ScoreGrains.Notifications.Tests.Infrastructure;

/// <summary>One Server-Sent Event as received.</summary>
public sealed record SseEvent(string? Id, string Type, string Data);
