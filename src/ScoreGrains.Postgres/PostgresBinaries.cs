using System.Globalization;
using System.Text.RegularExpressions;

namespace ScoreGrains.Postgres;

/// <summary>A folder holding a PostgreSQL server's initdb, pg_ctl and postgres, and their major version.</summary>
internal sealed partial record PostgresBinaries(string Directory, int MajorVersion)
{
    private const string DebianRoot = "/usr/lib/postgresql";
    private static readonly string[] _tools = ["initdb", "pg_ctl", "postgres"];

    public string InitDb => Path.Combine(Directory, "initdb");

    public string PgCtl => Path.Combine(Directory, "pg_ctl");

    /// <summary>
    /// Finds the binaries: the configured folder only, else the search folders, else PATH then
    /// <c>/usr/lib/postgresql/*/bin</c> (highest version first). An existing cluster needs its own major version.
    /// </summary>
    public static async Task<PostgresBinaries> FindAsync(
        EmbeddedPostgresOptions options, int? requiredMajorVersion, CancellationToken ct)
    {
        var searched = CandidateDirectories(options).ToList();
        var found = new List<PostgresBinaries>();
        foreach (var directory in searched.Where(HasAllTools).Select(ResolveLinks).Distinct(StringComparer.Ordinal))
        {
            var major = await ReadMajorVersionAsync(directory, ct).ConfigureAwait(false);
            if (major is not null)
            {
                var binaries = new PostgresBinaries(directory, major.Value);
                if (requiredMajorVersion is null || requiredMajorVersion == major)
                {
                    return binaries;
                }

                found.Add(binaries);
            }
        }

        if (found.Count > 0)
        {
            throw new InvalidOperationException(
                $"The embedded PostgreSQL data folder was created by PostgreSQL {requiredMajorVersion}, but only version(s) "
                + string.Join(", ", found.Select(b => $"{b.MajorVersion} in {b.Directory}"))
                + $" were found. Install PostgreSQL {requiredMajorVersion} (e.g. `apt-get install -y postgresql-{requiredMajorVersion}`)"
                + " or upgrade the folder with pg_upgrade.");
        }

        throw new PostgresNotInstalledException(PostgresNotInstalledException.DefaultMessage(searched));
    }

    private static IEnumerable<string> CandidateDirectories(EmbeddedPostgresOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.BinDirectory))
        {
            return [options.BinDirectory];
        }

        if (options.SearchDirectories is not null)
        {
            return options.SearchDirectories;
        }

        var path = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        var debian = System.IO.Directory.Exists(DebianRoot)
            ? System.IO.Directory.GetDirectories(DebianRoot)
                .Select(d => (Directory: Path.Combine(d, "bin"), Version: ParseVersion(Path.GetFileName(d))))
                .Where(d => d.Version is not null)
                .OrderByDescending(d => d.Version)
                .Select(d => d.Directory)
            : [];
        return path.Concat(debian);
    }

    private static bool HasAllTools(string directory) =>
        _tools.All(tool => File.Exists(Path.Combine(directory, tool)));

    /// <summary>/usr/local/bin/pg_ctl may be a link into /usr/lib/postgresql/N/bin: use the real folder.</summary>
    private static string ResolveLinks(string directory)
    {
        var target = new FileInfo(Path.Combine(directory, "postgres")).ResolveLinkTarget(returnFinalTarget: true);
        return Path.GetDirectoryName(target?.FullName ?? Path.GetFullPath(Path.Combine(directory, "postgres")))!;
    }

    private static async Task<int?> ReadMajorVersionAsync(string directory, CancellationToken ct)
    {
        // "postgres (PostgreSQL) 15.14 (Debian 15.14-0+deb12u1)"; --version is allowed as root.
        var result = await ToolRunner.RunAsync(
            Path.Combine(directory, "postgres"), ["--version"], TimeSpan.FromSeconds(30), ct, asServiceUser: false)
            .ConfigureAwait(false);
        var match = VersionPattern().Match(result.StandardOutput);
        return result.Succeeded && match.Success
            ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)
            : null;
    }

    private static Version? ParseVersion(string text) =>
        Version.TryParse(text.Contains('.', StringComparison.Ordinal) ? text : text + ".0", out var version) ? version : null;

    [GeneratedRegex(@"\(PostgreSQL\)\s+(\d+)")]
    private static partial Regex VersionPattern();
}
