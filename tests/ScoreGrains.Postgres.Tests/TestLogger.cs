using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace ScoreGrains.Postgres.Tests;

/// <summary>Writes log lines to the test's output, so a failure shows what the launcher did.</summary>
public sealed class TestLogger(ITestOutputHelper? output) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => output is not null;

    public void Log<TState>(
        LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        try
        {
            output?.WriteLine($"[{logLevel}] {formatter(state, exception)}{(exception is null ? "" : " " + exception)}");
        }
        catch (InvalidOperationException)
        {
            // The test already finished (e.g. logging from a fixture's disposal).
        }
    }
}
