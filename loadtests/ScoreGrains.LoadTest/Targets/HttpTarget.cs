using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using ScoreGrains.Contracts;

namespace ScoreGrains.LoadTest.Targets;

/// <summary>A running silo's HTTP API on a loopback address.</summary>
public sealed class HttpTarget(Uri baseAddress, int connections) : ILoadTarget
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private readonly HttpClient _http = new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = connections,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
        UseProxy = false,
    })
    {
        BaseAddress = baseAddress,
        Timeout = TimeSpan.FromSeconds(60),
    };

    public string Description => $"HTTP {baseAddress}";

    public IGrainFactory? Grains => null;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await _http.GetAsync(new Uri("healthz", UriKind.Relative), cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new InvalidOperationException($"No silo answers at {baseAddress} ({e.Message}). Start one (dotnet run --project src/ScoreGrains.Silo) or use --target inprocess.", e);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"{baseAddress}healthz answered {(int)response.StatusCode} {response.ReasonPhrase}: the silo is not healthy.");
            }
        }
    }

    public async Task<IngestResult> SendAsync(IReadOnlyList<SignalInput> batch)
    {
        var list = batch as List<SignalInput> ?? [.. batch];
        using var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(list, LoadTestJson.Default.ListSignalInput));
        content.Headers.ContentType = Json;
        using var response = await _http.PostAsync(new Uri("v1/signals", UriKind.Relative), content);
        // A 503 with per-item outcomes says which items to retry; a 503 problem (the cluster did not answer in time)
        // carries none: the whole batch's fate is unknown, as with any other error status.
        if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable)
            || response.Content.Headers.ContentType?.MediaType == "application/problem+json")
        {
            var text = await response.Content.ReadAsStringAsync();
            throw new HttpRequestException($"POST /v1/signals answered {(int)response.StatusCode}: {Shorten(text)}", null, response.StatusCode);
        }

        await using var body = await response.Content.ReadAsStreamAsync();
        var parsed = await JsonSerializer.DeserializeAsync(body, LoadTestJson.Default.HttpIngestResponse);
        if (parsed?.Outcomes is null)
        {
            throw new HttpRequestException($"POST /v1/signals answered {(int)response.StatusCode} without outcomes.", null, response.StatusCode);
        }

        return new IngestResult(parsed.Outcomes);
    }

    public async Task<SubjectScore?> ReadScoreAsync(string kind, string id)
    {
        using var response = await _http.GetAsync(new Uri($"v1/subjects/{kind}/{Uri.EscapeDataString(id)}", UriKind.Relative));
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync();
        return await JsonSerializer.DeserializeAsync(body, LoadTestJson.Default.SubjectScore);
    }

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        return ValueTask.CompletedTask;
    }

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "…";
}
