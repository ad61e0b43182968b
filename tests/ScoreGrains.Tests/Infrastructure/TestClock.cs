using System.Collections.Concurrent;

namespace ScoreGrains.Tests.Infrastructure;

/// <summary>
/// The wall clock moved by a test: UTC now plus <see cref="Offset"/>, with real timestamps (so elapsed-time logic, timers
/// and Orleans' own timing run normally). A test cluster started with <see cref="TestSiloConfigurator.ClockKey"/> = a
/// clock's name gives it to its silo as the <see cref="TimeProvider"/>.
/// </summary>
public sealed class TestClock : TimeProvider
{
    private static readonly ConcurrentDictionary<string, TestClock> Clocks = new();

    public TimeSpan Offset { get; set; }

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Offset;

    /// <summary>A new clock, registered under <paramref name="name"/> for <see cref="TestSiloConfigurator"/>.</summary>
    public static TestClock Create(out string name)
    {
        name = Guid.NewGuid().ToString("N");
        return Clocks[name] = new TestClock();
    }

    internal static TestClock Named(string name) => Clocks.TryGetValue(name, out var clock) ? clock : throw new InvalidOperationException($"No test clock named {name}.");
}
