namespace ScoreGrains.Postgres;

/// <summary>What a command-line tool printed and how it exited.</summary>
internal sealed record ToolResult(int ExitCode, string StandardOutput, string StandardError)
{
    public bool Succeeded => ExitCode == 0;

    public string Output => (StandardOutput + Environment.NewLine + StandardError).Trim();
}
