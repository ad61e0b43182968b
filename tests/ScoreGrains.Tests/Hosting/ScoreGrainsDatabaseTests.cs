using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting.Internal;
using Npgsql;
using ScoreGrains.Silo.Hosting;

namespace ScoreGrains.Tests.Hosting;

public sealed class ScoreGrainsDatabaseTests
{
    [Fact]
    public async Task WithoutADataDirectorySettingTheEmbeddedServerLivesInDataPostgresUnderTheContentRoot()
    {
        // As when the silo starts from a folder without its appsettings.json.
        var root = Path.Combine(Path.GetTempPath(), "scoregrains-root-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(root);
        try
        {
            var configuration = new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?> { ["ScoreGrains:Embedded:Durable"] = "false", ["Logging:LogLevel:Default"] = "Warning" })
                .Build();
            await using (var database = await ScoreGrainsDatabase.OpenAsync(configuration, new HostingEnvironment { ContentRootPath = root }, CancellationToken.None))
            {
                await using var connection = new NpgsqlConnection(database.ConnectionString);
                await connection.OpenAsync();
                Assert.True(File.Exists(Path.Combine(root, ScoreGrainsDatabase.DefaultDataDirectory, "pgdata", "PG_VERSION")));
                Assert.Equal(64, new NpgsqlConnectionStringBuilder(database.ConnectionString).MaxAutoPrepare);
            }

            // The content root itself holds nothing of the server's.
            Assert.Equal([Path.Combine(root, "data")], Directory.GetFileSystemEntries(root));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
