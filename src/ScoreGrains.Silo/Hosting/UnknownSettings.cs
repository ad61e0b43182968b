using System.Reflection;
using ScoreGrains.Grains.Hosting;
using ScoreGrains.Grains.Notifications;
using ScoreGrains.Postgres;
using ScoreGrains.Postgres.Journal;
using ScoreGrains.Silo.Api;

namespace ScoreGrains.Silo.Hosting;

/// <summary>
/// Refuses to start on a setting under <c>ScoreGrains</c> that nothing reads. Configuration binding ignores unknown
/// keys, so a misspelt one (<c>ScoreGrains__PersistanceMode=per-signal</c>, or a setting renamed since) would leave
/// the silo running on the default without a word. Settings outside <c>ScoreGrains</c> are ASP.NET Core's, Orleans'
/// and the logging's, which keep their own conventions.
/// </summary>
/// <remarks>
/// Not the binder's <c>ErrorOnUnknownConfiguration</c>, which the .NET client uses for its one flat section: here the
/// top-level <c>ScoreGrains</c> section also holds the other sections, which no options class has as properties, and
/// the check runs before the embedded database starts, with one message for every unknown key.
/// </remarks>
internal static class UnknownSettings
{
    // Each section under ScoreGrains, by its path, and the options class it binds to.
    private static readonly Dictionary<string, Type> Sections = new(StringComparer.OrdinalIgnoreCase)
    {
        [ApiOptions.Section] = typeof(ApiOptions),
        [ScoreGrainsClusterOptions.Section] = typeof(ScoreGrainsClusterOptions),
        [ScoreGrainsDatabase.EmbeddedSection] = typeof(EmbeddedPostgresOptions),
        [ScoreGrainsSiloBuilderExtensions.JournalSection] = typeof(JournalOptions),
        [NotificationOptions.Section] = typeof(NotificationOptions),
        [Security.SecurityOptions.Section] = typeof(Security.SecurityOptions),
    };

    // Sections inside a section (a property holding an options class), and the options class each binds to.
    private static readonly Dictionary<string, Type> Subsections = new(StringComparer.OrdinalIgnoreCase)
    {
        [ScoreGrainsClusterOptions.TlsSection] = typeof(ClusterTlsOptions),
    };

    // Sections of named entries (one per key name), and the options class each entry binds to.
    private static readonly Dictionary<string, Type> NamedEntries = new(StringComparer.OrdinalIgnoreCase)
    {
        [Security.SecurityOptions.KeysSection] = typeof(Security.ApiKeyOptions),
    };

    // Read by the host itself, not through an options class; ScoreGrains:Client is the .NET client's section (a
    // project the silo does not reference), which may share the settings file.
    private static readonly HashSet<string> HostSettings = new(StringComparer.OrdinalIgnoreCase)
    {
        ScoreGrainsHost.OrleansDashboardSetting, ScoreGrainsDatabase.SchemaDirectorySetting, "ScoreGrains:Client",
    };

    /// <exception cref="InvalidOperationException">A setting under <c>ScoreGrains</c> matches none that is read.</exception>
    public static void ThrowIfAny(IConfiguration configuration)
    {
        var unknown = new List<string>();
        foreach (var setting in configuration.GetSection(ScoreGrainsOptions.Section).GetChildren())
        {
            if (Sections.TryGetValue(setting.Path, out var options))
            {
                unknown.AddRange(setting.GetChildren().Where(s => !IsSetting(options, s.Key)).Select(s => $"'{s.Path}' ({Known(options, setting.Path)})"));
            }
            else if (!HostSettings.Contains(setting.Path) && !IsSetting(typeof(ScoreGrainsOptions), setting.Key))
            {
                unknown.Add($"'{setting.Path}' ({Known(typeof(ScoreGrainsOptions), ScoreGrainsOptions.Section)}; sections: {string.Join(", ", Sections.Keys)})");
            }
        }

        foreach (var (section, options) in Subsections)
        {
            unknown.AddRange(configuration.GetSection(section).GetChildren().Where(s => !IsSetting(options, s.Key)).Select(s => $"'{s.Path}' ({Known(options, section)})"));
        }

        foreach (var (section, options) in NamedEntries)
        {
            unknown.AddRange(configuration.GetSection(section).GetChildren()
                .SelectMany(entry => entry.GetChildren().Where(s => !IsSetting(options, s.Key)).Select(s => $"'{s.Path}' ({Known(options, entry.Path)})")));
        }

        if (unknown.Count > 0)
        {
            throw new InvalidOperationException($"Unknown setting{(unknown.Count > 1 ? "s" : "")}: {string.Join("; ", unknown)}. Check the spelling; see README, Configuration.");
        }
    }

    private static bool IsSetting(Type options, string key) => Settable(options).Any(p => string.Equals(p.Name, key, StringComparison.OrdinalIgnoreCase));

    private static string Known(Type options, string path) => $"{path} has {string.Join(", ", Settable(options).Select(p => p.Name))}";

    private static IEnumerable<PropertyInfo> Settable(Type options) =>
        options.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is { IsPublic: true });
}
