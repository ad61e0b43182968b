using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ScoreGrains.Contracts;

namespace ScoreGrains.Tests.Infrastructure;

/// <summary>
/// Follows <c>GET /v1/crossings/stream</c> as a dashboard would across silo failures: connects to the first silo that
/// answers (in the order given), and after a disconnect reconnects with <c>Last-Event-ID</c> to the first that answers
/// then. Keeps every crossing received, in order of arrival, repeats included, so a test can see gaps and repeats.
/// </summary>
public sealed class CrossingFollower : IAsyncDisposable
{
    private readonly Func<IReadOnlyList<Uri>> _silos;
    private readonly HttpClient _http = new() { Timeout = Timeout.InfiniteTimeSpan };
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Crossing> _received = [];
    private readonly Task _following;
    private long _lastEventId;

    /// <param name="silos">The silos' HTTP addresses, most preferred first: asked again at each reconnect.</param>
    /// <param name="after">The feed sequence to start after.</param>
    public CrossingFollower(Func<IReadOnlyList<Uri>> silos, long after)
    {
        _silos = silos;
        _lastEventId = after;
        _following = Task.Run(FollowAsync);
    }

    /// <summary>How many times the stream was (re)connected.</summary>
    public int Connections { get; private set; }

    public IReadOnlyList<Crossing> Received
    {
        get
        {
            lock (_received)
            {
                return [.. _received];
            }
        }
    }

    /// <summary>Waits until a crossing at or after <paramref name="sequence"/> arrived.</summary>
    public async Task WaitForAsync(long sequence, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Interlocked.Read(ref _lastEventId) < sequence)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The crossing stream did not reach sequence {sequence} within {timeout}: last {Interlocked.Read(ref _lastEventId)}, {Connections} connections.");
            }

            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _following;
        _http.Dispose();
        _stop.Dispose();
    }

    private async Task FollowAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            foreach (var silo in _silos())
            {
                try
                {
                    await ReadAsync(silo);
                }
                catch (Exception exception) when (exception is HttpRequestException or IOException || (exception is OperationCanceledException && !_stop.IsCancellationRequested))
                {
                    // That silo is gone or going: the next one.
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }

            try
            {
                await Task.Delay(200, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task ReadAsync(Uri silo)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(silo, "/v1/crossings/stream"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        request.Headers.Add("Last-Event-ID", Interlocked.Read(ref _lastEventId).ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, _stop.Token);
        if (!response.IsSuccessStatusCode)
        {
            return;
        }

        Connections++;
        await using var stream = await response.Content.ReadAsStreamAsync(_stop.Token);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        string? type = null;
        var data = new StringBuilder();
        while (await reader.ReadLineAsync(_stop.Token) is { } line)
        {
            if (line.Length == 0)
            {
                if (type == "crossing" && data.Length > 0)
                {
                    var crossing = JsonSerializer.Deserialize<Crossing>(data.ToString(), ApiJson.Options)!;
                    lock (_received)
                    {
                        _received.Add(crossing);
                    }

                    Interlocked.Exchange(ref _lastEventId, crossing.Sequence);
                }

                type = null;
                data.Clear();
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
}
