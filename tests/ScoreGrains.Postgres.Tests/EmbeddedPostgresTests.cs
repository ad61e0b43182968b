using System.Diagnostics;
using System.Globalization;
using Xunit.Abstractions;

namespace ScoreGrains.Postgres.Tests;

public sealed class EmbeddedPostgresTests(ITestOutputHelper output)
{
    private readonly TestLogger _logger = new(output);

    [Fact]
    public async Task AThrowawayServerAnswersQueriesOnLoopbackAndDeletesItsFolder()
    {
        using var folder = new TempFolder("throwaway");
        var dataDirectory = Path.Combine(folder.Path, "data");
        var clock = Stopwatch.StartNew();
        var server = await Servers.StartAsync(Servers.Throwaway(dataDirectory), _logger);
        output.WriteLine($"initdb + start + create database: {clock.ElapsedMilliseconds} ms");
        await using (server)
        {
            Assert.Equal("scoregrains", await Sql.ScalarAsync<string>(server.ConnectionString, "SELECT current_database()"));
            Assert.Equal("127.0.0.1", await Sql.ScalarAsync<string>(server.ConnectionString, "SELECT host(inet_server_addr())"));
            Assert.Equal(server.Port, await Sql.ScalarAsync<int>(server.ConnectionString, "SELECT inet_server_port()"));
            Assert.Equal("off", await Sql.ScalarAsync<string>(server.ConnectionString, "SHOW fsync"));
            Assert.Equal("127.0.0.1", await Sql.ScalarAsync<string>(server.ConnectionString, "SHOW listen_addresses"));
            Assert.Equal(
                Path.Combine(server.DataDirectory, "run"),
                await Sql.ScalarAsync<string>(server.ConnectionString, "SHOW unix_socket_directories"));
        }

        Assert.False(Directory.Exists(dataDirectory));
    }

    [Fact]
    public async Task ADurableServerKeepsFsyncAndSynchronousCommitOnAndIsSizedForTheJournal()
    {
        using var folder = new TempFolder("durable");
        var options = Servers.Throwaway(folder.Path);
        options.Durable = true;
        await using var server = await Servers.StartAsync(options, _logger);

        Assert.Equal("on", await Sql.ScalarAsync<string>(server.ConnectionString, "SHOW fsync"));
        Assert.Equal("on", await Sql.ScalarAsync<string>(server.ConnectionString, "SHOW synchronous_commit"));

        // Sized for the journal's write load rather than PostgreSQL's stock 128 MB and 1 GB.
        var sharedBuffers = await Sql.ScalarAsync<long>(
            server.ConnectionString, "SELECT setting::bigint * 8192 / 1048576 FROM pg_settings WHERE name = 'shared_buffers'");
        var quarterOfMemory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 4 / 1048576;
        Assert.Equal(Math.Clamp(quarterOfMemory, 128, 2048), sharedBuffers);
        Assert.Equal("4GB", await Sql.ScalarAsync<string>(server.ConnectionString, "SHOW max_wal_size"));
    }

    [Fact]
    public async Task AToolRunAsThePostgresUserGetsTheEnvironmentItIsGiven()
    {
        // How the server gets its malloc settings: pg_ctl start passes its environment on to the postmaster, and
        // PostgreSQL rewrites its own /proc environ for ps, so the tool is where it can be seen.
        var result = await ToolRunner.RunAsync(
            "env", [], TimeSpan.FromSeconds(30), TestContext.Timeout,
            environment: new Dictionary<string, string> { ["GLIBC_TUNABLES"] = EmbeddedPostgres.MallocTunables });

        Assert.True(result.Succeeded, result.Output);
        Assert.Contains($"GLIBC_TUNABLES={EmbeddedPostgres.MallocTunables}", result.Output.Split('\n'));
        if (ToolRunner.MustSwitchUser)
        {
            Assert.Contains($"USER={ToolRunner.ServiceUser}", result.Output.Split('\n'));
        }
    }

    [Fact]
    public async Task RestartingOnTheSameFolderKeepsTheData()
    {
        using var folder = new TempFolder("restart");
        await using (var first = await Servers.StartAsync(Servers.Throwaway(folder.Path, deleteOnDispose: false), _logger))
        {
            await Sql.ExecuteAsync(first.ConnectionString, "CREATE TABLE kept (value text); INSERT INTO kept VALUES ('survives')");
        }

        await using var second = await Servers.StartAsync(Servers.Throwaway(folder.Path, deleteOnDispose: false), _logger);
        Assert.Equal("survives", await Sql.ScalarAsync<string>(second.ConnectionString, "SELECT value FROM kept"));
    }

    [Fact]
    public async Task AnOrphanServerLeftOnTheFolderDoesNotBlockANewStart()
    {
        using var folder = new TempFolder("orphan");
        var orphan = await Servers.StartAsync(Servers.Throwaway(folder.Path, deleteOnDispose: false), _logger);
        await Sql.ExecuteAsync(orphan.ConnectionString, "CREATE TABLE kept (value text); INSERT INTO kept VALUES ('committed')");
        var orphanPid = ReadPostmasterPid(folder.Path);

        // As after kill -9 of the silo: the server keeps running, nobody owns the folder any more.
        orphan.Detach();
        Assert.True(IsAlive(orphanPid));

        await using var server = await Servers.StartAsync(Servers.Throwaway(folder.Path, deleteOnDispose: false), _logger);
        Assert.Equal("committed", await Sql.ScalarAsync<string>(server.ConnectionString, "SELECT value FROM kept"));
        Assert.NotEqual(orphanPid, ReadPostmasterPid(folder.Path));
        Assert.False(IsAlive(orphanPid));
    }

    [Fact]
    public async Task AStalePostmasterPidDoesNotBlockAStart()
    {
        using var folder = new TempFolder("stale");
        await using (var first = await Servers.StartAsync(Servers.Throwaway(folder.Path, deleteOnDispose: false), _logger))
        {
            await Sql.ExecuteAsync(first.ConnectionString, "CREATE TABLE kept (value text); INSERT INTO kept VALUES ('ok')");
        }

        // The worst stale pid: alive, but an unrelated process (here, this test run), as after a reboot.
        var pidFile = Path.Combine(folder.Path, "pgdata", "postmaster.pid");
        await File.WriteAllTextAsync(
            pidFile,
            string.Join('\n', Environment.ProcessId.ToString(CultureInfo.InvariantCulture), Path.Combine(folder.Path, "pgdata"), "0", "5999", "", "127.0.0.1", "0 0", "ready   ") + "\n");

        await using var server = await Servers.StartAsync(Servers.Throwaway(folder.Path, deleteOnDispose: false), _logger);
        Assert.Equal("ok", await Sql.ScalarAsync<string>(server.ConnectionString, "SELECT value FROM kept"));
    }

    [Fact]
    public async Task ASecondStartOnAFolderInUseIsRefused()
    {
        using var folder = new TempFolder("inuse");
        await using var first = await Servers.StartAsync(Servers.Throwaway(folder.Path, deleteOnDispose: false), _logger);

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(
            () => Servers.StartAsync(Servers.Throwaway(folder.Path, deleteOnDispose: false), _logger));

        Assert.Contains("in use by another running process", refused.Message, StringComparison.Ordinal);
        Assert.Equal(1, await Sql.ScalarAsync<int>(first.ConnectionString, "SELECT 1"));
    }

    [Fact]
    public async Task MissingBinariesSayWhatToInstallAndWhichSettingToGive()
    {
        using var folder = new TempFolder("nobin");
        using var emptyBin = new TempFolder("emptybin");
        var options = Servers.Throwaway(folder.Path);
        options.SearchDirectories = [emptyBin.Path];

        var missing = await Assert.ThrowsAsync<PostgresNotInstalledException>(() => Servers.StartAsync(options, _logger));

        Assert.Contains("apt-get install -y postgresql", missing.Message, StringComparison.Ordinal);
        Assert.Contains("ConnectionStrings__ScoreGrains", missing.Message, StringComparison.Ordinal);
        Assert.Contains(emptyBin.Path, missing.Message, StringComparison.Ordinal);
    }

    private static int ReadPostmasterPid(string dataDirectory) =>
        int.Parse(File.ReadLines(Path.Combine(dataDirectory, "pgdata", "postmaster.pid")).First(), CultureInfo.InvariantCulture);

    /// <summary>Alive and not a zombie: a stopped orphan is reparented to PID 1 and may wait there to be reaped.</summary>
    private static bool IsAlive(int pid)
    {
        if (OperatingSystem.IsLinux())
        {
            try
            {
                var stat = File.ReadAllText($"/proc/{pid}/stat");
                return stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z') is false;
            }
            catch (IOException)
            {
                return false;
            }
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
