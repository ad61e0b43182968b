using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using ScoreGrains.Contracts;

namespace ScoreGrains.Notifications.Tests.Infrastructure;

/// <summary>Follows a text/event-stream and queues its events; disposing it disconnects, as a closed browser tab does.</summary>
public sealed class SseClient : IAsyncDisposable
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly HttpClient _http;
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<SseEvent> _events = Channel.CreateUnbounded<SseEvent>();
    private Task _reading = Task.CompletedTask;

    private SseClient(HttpClient http) => _http = http;

    public static async Task<SseClient> ConnectAsync(Uri address, string pathAndQuery, string? lastEventId = null)
    {
        var client = new SseClient(new HttpClient { BaseAddress = address, Timeout = Timeout.InfiniteTimeSpan });
        using var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        var response = await client._http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, client._stop.Token);
        response.EnsureSuccessStatusCode();
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        client._reading = client.ReadAsync(response);
        return client;
    }

    /// <summary>The next event of <paramref name="type"/> (others are skipped).</summary>
    public async Task<SseEvent> NextAsync(string type, string what, TimeSpan? timeout = null)
    {
        return await Within.Await(NextOfTypeAsync(type), what, timeout);
    }

    public async Task<Crossing> NextCrossingAsync(string what, TimeSpan? timeout = null)
    {
        var e = await NextAsync("crossing", what, timeout);
        var crossing = JsonSerializer.Deserialize<Crossing>(e.Data, Json)!;
        Assert.Equal(crossing.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Id);
        return crossing;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _reading;
        }
        catch (OperationCanceledException)
        {
        }

        _http.Dispose();
        _stop.Dispose();
    }

    private async Task<SseEvent> NextOfTypeAsync(string type)
    {
        while (true)
        {
            var e = await _events.Reader.ReadAsync();
            if (e.Type == type)
            {
                return e;
            }
        }
    }

    private async Task ReadAsync(HttpResponseMessage response)
    {
        using (response)
        {
            await using var stream = await response.Content.ReadAsStreamAsync(_stop.Token);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            string? id = null;
            string type = "message";
            var data = new StringBuilder();
            try
            {
                while (await reader.ReadLineAsync(_stop.Token) is { } line)
                {
                    if (line.Length == 0)
                    {
                        if (data.Length > 0)
                        {
                            _events.Writer.TryWrite(new SseEvent(id, type, data.ToString()));
                        }

                        (id, type) = (null, "message");
                        data.Clear();
                    }
                    else if (line.StartsWith("id: ", StringComparison.Ordinal))
                    {
                        id = line[4..];
                    }
                    else if (line.StartsWith("event: ", StringComparison.Ordinal))
                    {
                        type = line[7..];
                    }
                    else if (line.StartsWith("data: ", StringComparison.Ordinal))
                    {
                        data.Append(line[6..]);
                    }
                }
            }
            catch (Exception exception) when (exception is OperationCanceledException or IOException or HttpRequestException)
            {
                // Disconnected.
            }
            finally
            {
                _events.Writer.TryComplete();
            }
        }
    }
}
