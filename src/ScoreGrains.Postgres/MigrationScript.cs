using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace ScoreGrains.Postgres;

/// <summary>One versioned schema script, <c>V001__name.sql</c>, with the SHA-256 of its text.</summary>
internal sealed partial record MigrationScript(int Version, string Name, string FileName, string Sql, string Checksum)
{
    public static IReadOnlyList<MigrationScript> LoadAll(string scriptsDirectory)
    {
        if (!Directory.Exists(scriptsDirectory))
        {
            throw new DirectoryNotFoundException($"Schema scripts folder {scriptsDirectory} does not exist.");
        }

        var scripts = new List<MigrationScript>();
        foreach (var path in Directory.EnumerateFiles(scriptsDirectory, "*.sql"))
        {
            var fileName = Path.GetFileName(path);
            var match = FileNamePattern().Match(fileName);
            if (!match.Success)
            {
                throw new InvalidOperationException(
                    $"Schema script {path} is not named V<number>__<name>.sql (e.g. V010__signal_journal.sql).");
            }

            var sql = File.ReadAllText(path);
            scripts.Add(new MigrationScript(
                int.Parse(match.Groups["version"].Value, CultureInfo.InvariantCulture),
                match.Groups["name"].Value,
                fileName,
                sql,
                ChecksumOf(sql)));
        }

        var duplicate = scripts.GroupBy(s => s.Version).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException(
                $"Schema scripts {string.Join(" and ", duplicate.Select(s => s.FileName))} share version {duplicate.Key}.");
        }

        return scripts.OrderBy(s => s.Version).ToList();
    }

    /// <summary>SHA-256 of the text with line endings normalised, so a CRLF checkout is not taken for an edit.</summary>
    public static string ChecksumOf(string sql)
    {
        var normalised = sql.TrimStart('\uFEFF').Replace("\r\n", "\n", StringComparison.Ordinal);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalised)));
    }

    [GeneratedRegex(@"^V(?<version>\d+)__(?<name>[A-Za-z0-9_]+)\.sql$")]
    private static partial Regex FileNamePattern();
}
