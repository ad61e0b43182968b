using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using HdrHistogram;
using ScoreGrains.Contracts;
using ScoreGrains.Notifications.Tests.Infrastructure;
using ScoreGrains.Tests.Infrastructure;
using Xunit.Abstractions;

namespace ScoreGrains.Notifications.Tests;

/// <summary>
/// Signal sent → crossing received, at a fixed open-loop rate where every signal crosses a band. Latency counts
/// from each signal's scheduled send time (no coordinated omission) to its arrival at a .NET kind subscriber
/// (over the gateway) and at an SSE connection. Rate and length: SCOREGRAINS_BENCH_RATE (signals/s, default 200)
/// and SCOREGRAINS_BENCH_SECONDS (default 5). Figures go to the test output and TestResults/crossing-latency.txt.
/// </summary>
[Collection(NotificationsCollection.Name)]
[Trait("Category", "Benchmark")]
public sealed class CrossingLatencyBenchmark(NotificationsFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task CrossingLatencyAtAFixedRate()
    {
        var rate = Setting("SCOREGRAINS_BENCH_RATE", 200);
        var seconds = Setting("SCOREGRAINS_BENCH_SECONDS", 5);
        var count = rate * seconds;
        var host = fixture.Host;
        var ids = Enumerable.Range(0, count).Select(_ => Signals.NewId()).ToList();
        var wanted = ids.ToHashSet();
        var scheduled = new ConcurrentDictionary<string, long>();
        // Warm up: activations, connection pools and JIT, not measured.
        await Task.WhenAll(Enumerable.Range(0, rate).Select(_ => host.SendAsync(Citizens.Default(Signals.NewId()))));
        await using var subscription = await host.Subscriber.SubscribeAsync("citizen");
        await using var stream = await SseClient.ConnectAsync(host.Address, "/v1/crossings/stream?kind=citizen");

        var dotnet = ReceiveAsync(async () => await subscription.Crossings.ReadAsync(), wanted, scheduled, ".NET subscriber");
        var sse = ReceiveAsync(() => stream.NextCrossingAsync("the next crossing on the SSE stream"), wanted, scheduled, "SSE stream");
        var acks = new LongHistogram(60_000_000, 3);
        var start = Stopwatch.GetTimestamp();
        var sends = new List<Task>(count);
        for (var i = 0; i < count; i++)
        {
            var due = start + (long)(i * (double)Stopwatch.Frequency / rate);
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait); // pacing the open-loop schedule, not waiting for a result
            }

            scheduled[ids[i]] = due;
            sends.Add(SendAsync(host, ids[i], due, acks));
        }

        await Within.Await(Task.WhenAll(sends).ContinueWith(_ => true, TaskScheduler.Default), $"{count} acknowledgements", TimeSpan.FromMinutes(2));
        var elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var dotnetLatency = await Within.Await(dotnet, $"{count} crossings at the .NET subscriber", TimeSpan.FromMinutes(2));
        var sseLatency = await Within.Await(sse, $"{count} crossings on the SSE stream", TimeSpan.FromMinutes(2));

        var report = string.Join(Environment.NewLine,
            $"{count} signals after {rate} warm-up, each crossing a band, open loop at {rate}/s ({count / elapsed:0} achieved), one silo, embedded/CI PostgreSQL",
            Line("ack (signal sent → applied)", acks),
            Line("crossing at .NET subscriber", dotnetLatency),
            Line("crossing on SSE stream", sseLatency));
        output.WriteLine(report);
        var file = Path.Combine(AppContext.BaseDirectory, "TestResults", "crossing-latency.txt");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await File.WriteAllTextAsync(file, report + Environment.NewLine);
    }

    private static async Task SendAsync(NotificationsHost host, string id, long due, LongHistogram acks)
    {
        await host.SendAsync(Citizens.Default(id));
        lock (acks)
        {
            acks.RecordValue(Micros(due));
        }
    }

    private static async Task<LongHistogram> ReceiveAsync(
        Func<Task<Crossing>> next, HashSet<string> wanted, ConcurrentDictionary<string, long> scheduled, string where)
    {
        var histogram = new LongHistogram(60_000_000, 3);
        var received = 0;
        while (received < wanted.Count)
        {
            var crossing = await next();
            var now = Stopwatch.GetTimestamp();
            if (wanted.Contains(crossing.Id) && scheduled.TryGetValue(crossing.Id, out var due))
            {
                histogram.RecordValue(Micros(due, now));
                received++;
            }
        }

        _ = where;
        return histogram;
    }

    private static long Micros(long from, long? to = null) =>
        Math.Max(0, (long)Stopwatch.GetElapsedTime(from, to ?? Stopwatch.GetTimestamp()).TotalMicroseconds);

    private static string Line(string what, LongHistogram h) => string.Create(CultureInfo.InvariantCulture,
        $"{what,-30} p50 {h.GetValueAtPercentile(50) / 1000.0,7:0.0} ms  p99 {h.GetValueAtPercentile(99) / 1000.0,7:0.0} ms  p99.9 {h.GetValueAtPercentile(99.9) / 1000.0,7:0.0} ms  max {h.GetMaxValue() / 1000.0,7:0.0} ms");

    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : fallback;
}
