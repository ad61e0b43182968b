using Npgsql;
using ScoreGrains.Grains.Hosting;

namespace ScoreGrains.Tests.Hosting;

public sealed class StorageConnectionStringTests
{
    private const string Configured = "Host=127.0.0.1;Port=5432;Database=scoregrains;Username=scoregrains";

    [Fact]
    public void InJournalModeGrainStorageGetsASmallPoolThatIsNotResetOnReturn()
    {
        var storage = new NpgsqlConnectionStringBuilder(ScoreGrainsSiloBuilderExtensions.StorageConnectionString(Configured, PersistenceMode.Journal));

        Assert.Equal(ScoreGrainsSiloBuilderExtensions.SnapshotConnections, storage.MaxPoolSize);
        Assert.True(storage.NoResetOnClose);
        Assert.Equal("scoregrains", storage.Database);
    }

    [Fact]
    public void InPerSignalModeGrainStorageIsTheWritePathAndKeepsTheConfiguredPool()
    {
        var configured = new NpgsqlConnectionStringBuilder(Configured) { MaxPoolSize = 40 }.ConnectionString;

        var storage = new NpgsqlConnectionStringBuilder(ScoreGrainsSiloBuilderExtensions.StorageConnectionString(configured, PersistenceMode.PerSignal));

        Assert.Equal(40, storage.MaxPoolSize);
        Assert.True(storage.NoResetOnClose);
    }

    [Fact]
    public void AConfiguredPoolSmallerThanTheSnapshotPoolIsKept()
    {
        var configured = new NpgsqlConnectionStringBuilder(Configured) { MaxPoolSize = 3 }.ConnectionString;

        var storage = new NpgsqlConnectionStringBuilder(ScoreGrainsSiloBuilderExtensions.StorageConnectionString(configured, PersistenceMode.Journal));

        Assert.Equal(3, storage.MaxPoolSize);
    }
}
