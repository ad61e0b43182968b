using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace ScoreGrains.Postgres;

/// <summary>Runs PostgreSQL's command-line tools, as the <c>postgres</c> user when this process is root.</summary>
internal static class ToolRunner
{
    /// <summary>The unprivileged account the tools run as when this process is root (the Debian package creates it).</summary>
    public const string ServiceUser = "postgres";

    /// <summary>initdb and postgres refuse to run as root, and CI runs as root.</summary>
    public static bool MustSwitchUser => !OperatingSystem.IsWindows() && Environment.IsPrivilegedProcess;

    /// <summary>
    /// Runs a tool to completion; <paramref name="asServiceUser"/> false keeps root (e.g. chown). <paramref name="environment"/>
    /// adds variables to the tool's environment (and to the server's, for <c>pg_ctl start</c>).
    /// </summary>
    public static async Task<ToolResult> RunAsync(
        string executable,
        IReadOnlyList<string> arguments,
        TimeSpan timeout,
        CancellationToken ct,
        bool asServiceUser = true,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
        };
        if (asServiceUser && MustSwitchUser)
        {
            start.FileName = "runuser";
            start.ArgumentList.Add("-u");
            start.ArgumentList.Add(ServiceUser);
            start.ArgumentList.Add("--");
            start.ArgumentList.Add(executable);
        }
        else
        {
            start.FileName = executable;
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Messages are parsed for a few known failures (e.g. a port in use): keep them in English.
        start.Environment["LC_MESSAGES"] = "C";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException(
                $"Could not run '{start.FileName}'"
                + (asServiceUser && MustSwitchUser ? " (needed to run PostgreSQL as the 'postgres' user because this process is root)" : "")
                + $": {ex.Message}",
                ex);
        }

        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var timeoutCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeoutCts.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(timeoutCts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            ct.ThrowIfCancellationRequested();
            throw new TimeoutException(
                $"'{Describe(executable, arguments)}' did not finish within {timeout.TotalSeconds:0} s.");
        }

        return new ToolResult(process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
    }

    public static string Describe(string executable, IReadOnlyList<string> arguments)
    {
        var text = new StringBuilder(Path.GetFileName(executable));
        foreach (var argument in arguments)
        {
            text.Append(' ').Append(argument);
        }

        return text.ToString();
    }
}
