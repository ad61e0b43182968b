using System.ComponentModel.DataAnnotations;

namespace ScoreGrains.Grains.Notifications;

/// <summary>Settings under <c>ScoreGrains:Notifications</c>: the bounds that keep slow subscribers from slowing anyone else.</summary>
public sealed class NotificationOptions
{
    public const string Section = "ScoreGrains:Notifications";

    /// <summary>Crossings queued for one subscriber; one more and it is dropped from live push and told where to resume.</summary>
    [Range(1, 10_000_000)]
    public int SubscriberQueueLimit { get; set; } = 10_000;

    /// <summary>Most crossings in one push to a subscriber.</summary>
    [Range(1, 100_000)]
    public int MaxBatch { get; set; } = 1_000;

    /// <summary>How long a subscriber may take to take one batch before it is dropped.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan DeliveryTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
