namespace ScoreGrains.Notifications.Tests.Infrastructure;

/// <summary>All notification tests share one database and silo, and run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class NotificationsCollection : ICollectionFixture<NotificationsFixture>
{
    public const string Name = "notifications";
}
