using System.Diagnostics;
using System.Globalization;

namespace ScoreGrains.LoadTest.Resources;

/// <summary>
/// CPU use since the previous sample, in % of all cores: this process (silo + generator when in process) and
/// the whole machine (which adds PostgreSQL), the latter from /proc/stat where it exists.
/// </summary>
public sealed class CpuMeter
{
    private readonly Process _process = Process.GetCurrentProcess();
    private TimeSpan _lastProcess;
    private long _lastWall;
    private (long Busy, long Total)? _lastMachine;

    public CpuMeter()
    {
        _process.Refresh();
        _lastProcess = _process.TotalProcessorTime;
        _lastWall = Stopwatch.GetTimestamp();
        _lastMachine = ReadMachine();
    }

    public (double? Process, double? Machine) Sample()
    {
        _process.Refresh();
        var cpu = _process.TotalProcessorTime;
        var now = Stopwatch.GetTimestamp();
        var wall = Stopwatch.GetElapsedTime(_lastWall, now);
        double? processPercent = wall > TimeSpan.Zero
            ? 100.0 * (cpu - _lastProcess).TotalSeconds / (wall.TotalSeconds * Environment.ProcessorCount)
            : null;
        (_lastProcess, _lastWall) = (cpu, now);

        var machine = ReadMachine();
        double? machinePercent = machine is { } m && _lastMachine is { } l && m.Total > l.Total
            ? 100.0 * (m.Busy - l.Busy) / (m.Total - l.Total)
            : null;
        _lastMachine = machine;
        return (processPercent, machinePercent);
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
