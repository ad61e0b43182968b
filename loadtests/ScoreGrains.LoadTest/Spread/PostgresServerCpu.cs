using System.Globalization;

namespace ScoreGrains.LoadTest.Spread;

/// <summary>
/// CPU time of one PostgreSQL server (Linux): its postmaster, found from the <c>postmaster.pid</c> under its data
/// folder, and every process whose parent it is (backends, the WAL writer, checkpointer, autovacuum). Other servers on
/// the machine (another engineer's tests) are not counted. Without a data folder, or when its pid file cannot be read,
/// every process named <c>postgres</c> is summed instead, and <see cref="WholeMachine"/> says so.
/// </summary>
public sealed class PostgresServerCpu(string? dataDirectory)
{
    // /proc reports process times in USER_HZ, 100 on every Linux architecture .NET runs on.
    private const double TicksPerSecond = 100;

    private int? _postmaster;

    /// <summary>True when the figure is every postgres process on the machine, not one server's.</summary>
    public bool WholeMachine => _postmaster is null;

    /// <summary>CPU seconds so far, or null where /proc cannot be read.</summary>
    public double? Seconds()
    {
        if (!Directory.Exists("/proc/self"))
        {
            return null;
        }

        _postmaster ??= FindPostmaster();
        long ticks = 0;
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            var name = Path.GetFileName(folder);
            if (name.Length == 0 || !char.IsAsciiDigit(name[0]))
            {
                continue;
            }

            try
            {
                // "pid (comm) state ppid ... utime stime ...": ppid is the 4th field, utime and stime the 14th and 15th.
                var stat = File.ReadAllText(Path.Combine(folder, "stat"));
                var open = stat.IndexOf('(', StringComparison.Ordinal);
                var close = stat.LastIndexOf(')');
                if (open < 0 || close < open || !stat.AsSpan(open + 1, close - open - 1).SequenceEqual("postgres"))
                {
                    continue;
                }

                var fields = stat[(close + 2)..].Split(' ');
                var pid = int.Parse(name, CultureInfo.InvariantCulture);
                var parent = int.Parse(fields[1], CultureInfo.InvariantCulture);
                if (_postmaster is { } postmaster && pid != postmaster && parent != postmaster)
                {
                    continue;
                }

                ticks += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
            {
                // The process ended while being read, or is not ours to read.
            }
        }

        return ticks / TicksPerSecond;
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
