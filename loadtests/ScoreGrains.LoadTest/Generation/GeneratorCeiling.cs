using System.Diagnostics;
using System.Text.Json;
using ScoreGrains.LoadTest.Targets;

namespace ScoreGrains.LoadTest.Generation;

/// <summary>Runs the producers flat out without sending: half the time making batches, half making and serializing them.</summary>
public static class GeneratorCeiling
{
    public static async Task<GeneratorResult> MeasureAsync(
        int producers, int batchSize, TimeSpan duration, double? compareRate, Func<int, SignalGenerator> generator, Action<string> log, CancellationToken cancellationToken)
    {
        var generators = Enumerable.Range(0, producers).Select(generator).ToArray();
        var half = duration / 2;
        var objects = await RateAsync(generators, batchSize, half, json: false, cancellationToken);
        log($"generator: {objects:N0} signals/s (objects)");
        var withJson = await RateAsync(generators, batchSize, half, json: true, cancellationToken);
        log($"generator: {withJson:N0} signals/s (objects + JSON)");
        return new GeneratorResult(producers, objects, withJson, compareRate);
    }

    private static async Task<double> RateAsync(SignalGenerator[] generators, int batchSize, TimeSpan duration, bool json, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var counts = await Task.WhenAll(generators.Select(g => Task.Run(() =>
        {
            long made = 0;
            long bytes = 0;
            while (!cancellationToken.IsCancellationRequested && Stopwatch.GetElapsedTime(started) < duration)
            {
                var batch = g.Next(batchSize, Stopwatch.GetElapsedTime(started));
                if (json)
                {
                    bytes += JsonSerializer.SerializeToUtf8Bytes(batch.Signals, LoadTestJson.Default.ListSignalInput).Length;
                }

                made += batch.Signals.Count;
            }

            return made + (bytes == -1 ? 1 : 0);
        }, CancellationToken.None)));
        return counts.Sum() / Stopwatch.GetElapsedTime(started).TotalSeconds;
    }
}
