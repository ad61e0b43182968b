using System.Security.Cryptography;

namespace ScoreGrains.Silo.Security;

/// <summary>
/// <c>ScoreGrains.Silo --new-key NAME ROLE[,ROLE...]</c>: makes a random key, prints it once with the configuration
/// lines that admit it (its hash, never the key), and exits without starting the silo.
/// </summary>
public static class NewKeyCommand
{
    public const string Option = "--new-key";

    /// <summary>Runs the command when <paramref name="args"/> asks for it; null when it does not (start the silo).</summary>
    public static int? TryRun(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        if (args.Count == 0 || args[0] != Option)
        {
            return null;
        }

        if (args.Count != 3)
        {
            error.WriteLine($"usage: {Option} NAME ROLE[,ROLE...]   (roles: {string.Join(", ", Roles.All)})");
            return 2;
        }

        var name = args[1];
        var roles = args[2].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (!ApiKeys.IsValidName(name))
        {
            error.WriteLine($"error: the name '{name}' must be 1-64 letters, digits or '_' (it becomes part of environment variable names).");
            return 2;
        }

        var unknown = roles.FirstOrDefault(r => !Roles.All.Contains(r));
        if (roles.Length == 0 || unknown is not null)
        {
            error.WriteLine($"error: roles are {string.Join(", ", Roles.All)}, comma-separated{(unknown is null ? "" : $"; not '{unknown}'")}.");
            return 2;
        }

        // 256 random bits, URL-safe so it can sit in a header, a file or an environment variable as it is.
        var key = "sg_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var hash = ApiKeys.HashOf(key);
        var prefix = $"ScoreGrains__Security__Keys__{name}__";
        output.WriteLine($"API key '{name}' ({string.Join(", ", roles)}). It is shown once and stored nowhere: keep it now.");
        output.WriteLine();
        output.WriteLine($"  {key}");
        output.WriteLine();
        output.WriteLine("Admit it with these settings (environment variables, or a Kubernetes Secret as environment):");
        output.WriteLine();
        output.WriteLine($"  {prefix}Sha256={hash}");
        for (var i = 0; i < roles.Length; i++)
        {
            output.WriteLine($"  {prefix}Roles__{i}={roles[i]}");
        }

        output.WriteLine();
        output.WriteLine("or in appsettings.json:");
        output.WriteLine();
        output.WriteLine($$"""  "ScoreGrains": { "Security": { "Mode": "keys", "Keys": { "{{name}}": { "Sha256": "{{hash}}", "Roles": [ {{string.Join(", ", roles.Select(r => $"\"{r}\""))}} ] } } } }""");
        output.WriteLine();
        output.WriteLine("Callers send it as: Authorization: Bearer <key>");
        return 0;
    }
}
