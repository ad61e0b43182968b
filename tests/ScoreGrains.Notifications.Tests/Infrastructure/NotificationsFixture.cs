using ScoreGrains.Tests.Infrastructure;

namespace ScoreGrains.Notifications.Tests.Infrastructure;

/// <summary>The test database and one running silo, shared by the notification tests.</summary>
public sealed class NotificationsFixture : IAsyncLifetime
{
    private TestDatabase? _database;
    private NotificationsHost? _host;

    public TestDatabase Database => _database ?? throw new InvalidOperationException("The fixture is not initialised.");

    public NotificationsHost Host => _host ?? throw new InvalidOperationException("The fixture is not initialised.");

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _host = await StartHostAsync(NewServiceId());
    }

    /// <summary>Another silo on the same database; same service id = same stored state.</summary>
    public Task<NotificationsHost> StartHostAsync(string serviceId, params string[] settings) =>
        NotificationsHost.StartAsync(Database.ConnectionString, serviceId, settings);

    public static string NewServiceId() => "notify-" + Guid.NewGuid().ToString("N")[..8];

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
