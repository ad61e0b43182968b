namespace ScoreGrains.Postgres.Tests;

/// <summary>A fresh folder under the temp path, deleted on dispose.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder(string purpose)
    {
        // Short: the server's unix socket path lives under it.
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"sgpg-{purpose}-{Guid.NewGuid():N}"[..28]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
