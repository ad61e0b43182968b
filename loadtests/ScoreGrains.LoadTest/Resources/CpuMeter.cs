using System.Diagnostics;
using System.Globalization;

namespace ScoreGrains.LoadTest.Resources;

/// <summary>CPU use over a stretch of time, in % of all cores; null where the machine does not tell.</summary>
/// <param name="Process">This process: the silo and the generator when in process.</param>
/// <param name="Postgres">
/// Every process named <c>postgres</c> on the machine (Linux): the benchmark runs one server at a time, so this is
/// its postmaster, backends and background workers. A backend that started and ended between two readings is missed;
/// the silo's pools and raw COPY keep theirs open.
/// </param>
/// <param name="Machine">The whole machine from /proc/stat: adds the kernel's own threads and everything else.</param>
public readonly record struct CpuUse(double? Process, double? Postgres, double? Machine)
{
    /// <summary>The same shares as CPU time per item (signal, row) when <paramref name="items"/> took <paramref name="seconds"/>.</summary>
    public CpuTimePerItem? PerItem(double seconds, long items)
    {
        if (items <= 0)
        {
            return null;
        }

        double? Microseconds(double? percent) => percent / 100 * Environment.ProcessorCount * seconds / items * 1e6;
        return new CpuTimePerItem(Microseconds(Process), Microseconds(Postgres), Microseconds(Machine));
    }
}

/// <summary>CPU microseconds per signal or row, on the sides <see cref="CpuUse"/> tells apart.</summary>
public readonly record struct CpuTimePerItem(double? Process, double? Postgres, double? Machine);

/// <summary>Cumulative CPU counters at one moment; two of them give the <see cref="CpuUse"/> between.</summary>
public sealed record CpuReading(long Timestamp, TimeSpan Process, long? PostgresTicks, long? MachineBusy, long? MachineTotal)
{
    private static readonly Process Self = System.Diagnostics.Process.GetCurrentProcess();

    public static CpuReading Now()
    {
        Self.Refresh();
        var machine = ReadMachine();
        return new CpuReading(Stopwatch.GetTimestamp(), Self.TotalProcessorTime, PostgresProcessTicks.Read(), machine?.Busy, machine?.Total);
    }

    /// <summary>CPU use from <paramref name="earlier"/> to this reading.</summary>
    public CpuUse Since(CpuReading earlier)
    {
        ArgumentNullException.ThrowIfNull(earlier);
        var wall = Stopwatch.GetElapsedTime(earlier.Timestamp, Timestamp).TotalSeconds;
        if (wall <= 0)
        {
            return default;
        }

        var cores = Environment.ProcessorCount;
        double? postgres = PostgresTicks is { } p && earlier.PostgresTicks is { } e && p >= e ? 100.0 * (p - e) / PostgresProcessTicks.PerSecond / (wall * cores) : null;
        double? machine = MachineTotal is { } t && earlier.MachineTotal is { } et && t > et ? 100.0 * (MachineBusy!.Value - earlier.MachineBusy!.Value) / (t - et) : null;
        return new CpuUse(100.0 * (Process - earlier.Process).TotalSeconds / (wall * cores), postgres, machine);
    }

    private static (long Busy, long Total)? ReadMachine()
    {
        try
        {
            // "cpu  user nice system idle iowait irq softirq steal ..."
            using var reader = new StreamReader("/proc/stat");
            var fields = reader.ReadLine()?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields is null || fields.Length < 5 || fields[0] != "cpu")
            {
                return null;
            }

            var values = fields.Skip(1).Take(8).Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
            var idle = values[3] + (values.Length > 4 ? values[4] : 0);
            var total = values.Sum();
            return (total - idle, total);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}

/// <summary>CPU use since the previous sample.</summary>
public sealed class CpuMeter
{
    private CpuReading _last = CpuReading.Now();

    public CpuUse Sample()
    {
        var now = CpuReading.Now();
        var use = now.Since(_last);
        _last = now;
        return use;
    }
}
