namespace ScoreGrains.Postgres;

/// <summary>Settings for a private PostgreSQL server started by <see cref="EmbeddedPostgres"/>.</summary>
public sealed class EmbeddedPostgresOptions
{
    /// <summary>
    /// A folder of the server's own (cluster in <c>pgdata/</c>, <c>postgres.log</c>, socket in <c>run/</c>); created when
    /// missing, made private (0700) and, when this process is root, given to the <c>postgres</c> user.
    /// </summary>
    public string DataDirectory { get; set; } = "";

    /// <summary>Delete <see cref="DataDirectory"/> when the server is disposed (throwaway servers in tests).</summary>
    public bool DeleteOnDispose { get; set; }

    /// <summary>Keep fsync, synchronous_commit and full_page_writes on. Only tests may turn this off: a crash then loses data.</summary>
    public bool Durable { get; set; } = true;

    /// <summary>The TCP port on 127.0.0.1; 0 picks a free one at each start.</summary>
    public int Port { get; set; }

    /// <summary>The database created for the application.</summary>
    public string DatabaseName { get; set; } = "scoregrains";

    /// <summary>A folder holding <c>initdb</c>, <c>pg_ctl</c> and <c>postgres</c>; when null they are searched for.</summary>
    public string? BinDirectory { get; set; }

    /// <summary>When set, the only folders searched for the binaries (instead of PATH and <c>/usr/lib/postgresql/*/bin</c>).</summary>
    public IList<string>? SearchDirectories { get; set; }

    /// <summary>How long <c>pg_ctl</c> may wait for the server to start or stop.</summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(60);
}
