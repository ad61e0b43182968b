using Xunit.Abstractions;

namespace ScoreGrains.Postgres.Tests;

[Collection(PostgresCollection.Name)]
public sealed class SchemaMigratorTests(PostgresServerFixture postgres, ITestOutputHelper output)
{
    private readonly TestLogger _logger = new(output);

    [Fact]
    public async Task ApplyingTheScriptsTwiceIsANoOp()
    {
        var database = await postgres.CreateDatabaseAsync();
        await SchemaMigrator.ApplyAsync(database, Servers.ScriptsDirectory, _logger, TestContext.Timeout);
        var firstState = await Sql.ScalarAsync<string>(database, AppliedState);

        await SchemaMigrator.ApplyAsync(database, Servers.ScriptsDirectory, _logger, TestContext.Timeout);

        Assert.Equal(firstState, await Sql.ScalarAsync<string>(database, AppliedState));
        Assert.Equal(
            Directory.GetFiles(Servers.ScriptsDirectory, "V*.sql").Length,
            (int)await Sql.ScalarAsync<long>(database, "SELECT count(*) FROM schema_migrations"));
        Assert.Equal(1, await Sql.ScalarAsync<long>(database, "SELECT count(*) FROM orleansquery WHERE querykey = 'WriteToStorageKey'"));
    }

    [Fact]
    public async Task AnEditedAppliedScriptFailsNamingTheFileAndTheChecksums()
    {
        using var scripts = CopyOfScripts();
        var database = await postgres.CreateDatabaseAsync();
        await SchemaMigrator.ApplyAsync(database, scripts.Path, _logger, TestContext.Timeout);
        var edited = Path.Combine(scripts.Path, "V002__orleans_persistence.sql");
        await File.AppendAllTextAsync(edited, "\n-- a quiet edit\n");

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(
            () => SchemaMigrator.ApplyAsync(database, scripts.Path, _logger, TestContext.Timeout));

        Assert.Contains(edited, failure.Message, StringComparison.Ordinal);
        Assert.Contains("changed after it was applied", failure.Message, StringComparison.Ordinal);
        Assert.Contains("checksum", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LineEndingsAloneDoNotCountAsAnEdit()
    {
        using var scripts = CopyOfScripts();
        var database = await postgres.CreateDatabaseAsync();
        await SchemaMigrator.ApplyAsync(database, scripts.Path, _logger, TestContext.Timeout);
        var script = Path.Combine(scripts.Path, "V001__orleans_main.sql");
        await File.WriteAllTextAsync(script, (await File.ReadAllTextAsync(script)).Replace("\n", "\r\n", StringComparison.Ordinal));

        await SchemaMigrator.ApplyAsync(database, scripts.Path, _logger, TestContext.Timeout);
    }

    [Fact]
    public async Task AFailingScriptIsRolledBackAndNotRecorded()
    {
        using var scripts = CopyOfScripts();
        var database = await postgres.CreateDatabaseAsync();
        await File.WriteAllTextAsync(
            Path.Combine(scripts.Path, "V900__broken.sql"),
            "CREATE TABLE half_done (id int);\nSELECT no_such_function();\n");

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(
            () => SchemaMigrator.ApplyAsync(database, scripts.Path, _logger, TestContext.Timeout));

        Assert.Contains("V900__broken.sql", failure.Message, StringComparison.Ordinal);
        Assert.Null(await Sql.ScalarAsync<string>(database, "SELECT to_regclass('half_done')::text"));
        Assert.Equal(0, await Sql.ScalarAsync<long>(database, "SELECT count(*) FROM schema_migrations WHERE version = 900"));
        Assert.Equal(1, await Sql.ScalarAsync<long>(database, "SELECT count(*) FROM schema_migrations WHERE version = 3"));
    }

    [Fact]
    public async Task SilosMigratingAtTheSameTimeApplyEachScriptOnce()
    {
        var database = await postgres.CreateDatabaseAsync();

        await Task.WhenAll(Enumerable.Range(0, 4).Select(
            _ => SchemaMigrator.ApplyAsync(database, Servers.ScriptsDirectory, _logger, TestContext.Timeout)));

        Assert.Equal(
            Directory.GetFiles(Servers.ScriptsDirectory, "V*.sql").Length,
            (int)await Sql.ScalarAsync<long>(database, "SELECT count(*) FROM schema_migrations"));
    }

    private const string AppliedState =
        "SELECT string_agg(version || ':' || checksum || ':' || applied_at, ',' ORDER BY version) FROM schema_migrations";

    private static TempFolder CopyOfScripts()
    {
        var folder = new TempFolder("scripts");
        foreach (var file in Directory.GetFiles(Servers.ScriptsDirectory, "*.sql"))
        {
            File.Copy(file, Path.Combine(folder.Path, Path.GetFileName(file)));
        }

        return folder;
    }
}
