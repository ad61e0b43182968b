using System.Diagnostics;
using System.Globalization;

namespace ScoreGrains.Postgres;

/// <summary>The lock file a running postmaster keeps in its data folder (pid, data folder, start time, port, ...).</summary>
internal sealed record PostmasterPidFile(int ProcessId, int? Port)
{
    public const string FileName = "postmaster.pid";

    public static PostmasterPidFile? TryRead(string pgData)
    {
        var path = Path.Combine(pgData, FileName);
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }

        // Line 1 is the pid; line 4 the port. A half-written file parses as pid 0: treat it as stale.
        var pid = lines.Length > 0 && int.TryParse(lines[0].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : 0;
        int? port = lines.Length > 3 && int.TryParse(lines[3].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var q) ? q : null;
        return new PostmasterPidFile(pid, port);
    }

    /// <summary>
    /// True when the pid is a live postmaster serving <paramref name="pgData"/>. After a reboot or in a
    /// container a stale pid is often reused by an unrelated process (even another server's backend),
    /// which must be neither signalled nor allowed to block the start: that case is false.
    /// </summary>
    public bool IsLivePostmasterOf(string pgData)
    {
        if (ProcessId <= 0)
        {
            return false;
        }

        if (OperatingSystem.IsLinux() && Directory.Exists("/proc"))
        {
            try
            {
                // A postmaster and its backends run with the data folder as working directory.
                var cwd = new DirectoryInfo($"/proc/{ProcessId}/cwd").LinkTarget;
                if (cwd is null)
                {
                    return false;
                }

                var cmdline = File.ReadAllText($"/proc/{ProcessId}/cmdline").Replace('\0', ' ');
                return string.Equals(Path.TrimEndingDirectorySeparator(cwd), Path.TrimEndingDirectorySeparator(pgData), StringComparison.Ordinal)
                    || cmdline.Contains(pgData, StringComparison.Ordinal);
            }
            catch (IOException)
            {
                return false;
            }
            catch (UnauthorizedAccessException)
            {
                // Not ours to inspect: fall back to the process name.
            }
        }

        try
        {
            using var process = Process.GetProcessById(ProcessId);
            return !process.HasExited && process.ProcessName is "postgres" or "postmaster";
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
