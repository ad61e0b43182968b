using System.Globalization;
using ScoreGrains.LoadTest.Resources;

namespace ScoreGrains.LoadTest.Spread;

/// <summary>
/// CPU time of one PostgreSQL server (Linux): its postmaster, found from the <c>postmaster.pid</c> under its data
/// folder, and every process whose parent it is (backends, the WAL writer, checkpointer, autovacuum). Other servers on
/// the machine (another engineer's tests) are not counted. Without a data folder, or when its pid file cannot be read,
/// every process named <c>postgres</c> is summed instead, and <see cref="WholeMachine"/> says so.
/// </summary>
public sealed class PostgresServerCpu(string? dataDirectory)
{
    private int? _postmaster;

    /// <summary>True when the figure is every postgres process on the machine, not one server's.</summary>
    public bool WholeMachine => _postmaster is null;

    /// <summary>CPU seconds so far, or null where /proc cannot be read.</summary>
    public double? Seconds()
    {
        _postmaster ??= FindPostmaster();
        return PostgresProcessTicks.Read(_postmaster) / PostgresProcessTicks.PerSecond;
    }

    private int? FindPostmaster()
    {
        if (dataDirectory is null || !Directory.Exists(dataDirectory))
        {
            return null;
        }

        try
        {
            // The embedded launcher keeps PGDATA in a folder below the one it is given.
            var file = Directory.EnumerateFiles(dataDirectory, "postmaster.pid", new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = 3 })
                .FirstOrDefault();
            var first = file is null ? null : File.ReadLines(file).FirstOrDefault();
            return int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
