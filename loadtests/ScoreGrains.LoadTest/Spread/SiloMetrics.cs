using System.Diagnostics;

namespace ScoreGrains.LoadTest.Spread;

/// <summary>Reads a silo's <c>/metrics</c> (a loopback silo in open mode needs no key) into a <see cref="SiloReading"/>.</summary>
public sealed class SiloMetrics(Uri siloAddress) : IDisposable
{
    private const string Subject = "grain_type=\"subject\"";
    private readonly HttpClient _http = new() { BaseAddress = siloAddress, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>The silo's figures now; an empty reading (every figure null) when it does not answer.</summary>
    public async Task<SiloReading> ReadAsync(CancellationToken cancellationToken)
    {
        var timestamp = Stopwatch.GetTimestamp();
        string text;
        try
        {
            text = await _http.GetStringAsync(new Uri("metrics", UriKind.Relative), cancellationToken);
        }
        catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException)
        {
            // Not exposed, or the run is stopping: the figures are left out, the run still reports.
            return new SiloReading(timestamp, null, null, null, null, null, null);
        }

        return Parse(timestamp, text);
    }

    public static SiloReading Parse(long timestamp, string text) => new(
        timestamp,
        PrometheusText.Sum(text, "dotnet_process_cpu_time_seconds_total"),
        PrometheusText.Sum(text, "orleans_catalog_activation_created_total", Subject),
        PrometheusText.Sum(text, "scoregrains_subjects_active"),
        PrometheusText.Sum(text, "dotnet_gc_last_collection_heap_size_bytes"),
        PrometheusText.Sum(text, "orleans_catalog_activation_latency_milliseconds_sum", Subject),
        PrometheusText.Sum(text, "orleans_catalog_activation_latency_milliseconds_count", Subject));

    public void Dispose() => _http.Dispose();
}
