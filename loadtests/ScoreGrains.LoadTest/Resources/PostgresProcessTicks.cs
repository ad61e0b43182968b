using System.Globalization;

namespace ScoreGrains.LoadTest.Resources;

/// <summary>CPU time of PostgreSQL processes from Linux's /proc, in USER_HZ ticks (100 per second).</summary>
public static class PostgresProcessTicks
{
    /// <summary>/proc reports process times in USER_HZ, 100 on every Linux architecture .NET runs on.</summary>
    public const double PerSecond = 100;

    /// <summary>
    /// User plus system ticks of every process named <c>postgres</c>, or only of <paramref name="postmaster"/> and its
    /// children when given; null where /proc cannot be read.
    /// </summary>
    public static long? Read(int? postmaster = null)
    {
        if (!Directory.Exists("/proc/self"))
        {
            return null;
        }

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
                if (postmaster is { } server
                    && int.Parse(name, CultureInfo.InvariantCulture) != server
                    && int.Parse(fields[1], CultureInfo.InvariantCulture) != server)
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

        return ticks;
    }
}
