namespace ScoreGrains.Postgres;

/// <summary>Thrown when the embedded PostgreSQL server is wanted but its binaries are not on this machine.</summary>
public sealed class PostgresNotInstalledException : Exception
{
    /// <summary>The Debian/Ubuntu command that installs the server binaries.</summary>
    public const string InstallCommand = "apt-get install -y postgresql";

    /// <summary>The configuration key for an external server's connection string.</summary>
    public const string ConnectionStringKey = "ConnectionStrings:ScoreGrains";

    /// <summary>Creates the exception with the standard explanation of what to install or configure.</summary>
    public PostgresNotInstalledException()
        : this(DefaultMessage(Array.Empty<string>()))
    {
    }

    /// <summary>Creates the exception with a custom message.</summary>
    public PostgresNotInstalledException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a custom message and its cause.</summary>
    public PostgresNotInstalledException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal static string DefaultMessage(IEnumerable<string> searched) =>
        "PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found"
        + $" (searched: {string.Join(", ", searched)})."
        + $" Install them (Debian/Ubuntu: `{InstallCommand}`),"
        + $" or use an external server by setting the connection string `{ConnectionStringKey}`"
        + " (environment variable `ConnectionStrings__ScoreGrains`).";
}
