using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ScoreGrains.Contracts;

namespace ScoreGrains.Tests.Infrastructure;

/// <summary>
/// One producer posting batches one after another, each to the next of the silos it is given, and keeping what it was
/// told: acknowledged signals go to the <see cref="AckLedger"/>, the rest wait to be retried with the same ids.
/// One batch at a time, so each subject's signals are acknowledged in the order the ledger records them.
/// </summary>
public sealed class RoundRobinProducer(string kind, IReadOnlyList<string> subjects, IReadOnlyList<string> types, int batchSize, int seed) : IDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(60) };
    private readonly Random _random = new(seed);
    // A tenth of a second apart from 30 days ago: room for 25 million signals before one would lie in the future. (One
    // second apart from a week ago ran out once: while a silo is down, batches fail fast and each new one takes new times.)
    private readonly DateTimeOffset _start = DateTimeOffset.UtcNow.AddDays(-30);
    private readonly List<SignalInput> _unacknowledged = [];
    private readonly List<HttpStatusCode> _errors = [];
    private readonly List<string> _rejections = [];
    private int _sent;
    private int _acknowledgedBatches;

    public AckLedger Ledger { get; } = new();

    /// <summary>Signals sent but not acknowledged (failed, or the request got no answer).</summary>
    public IReadOnlyList<SignalInput> Unacknowledged => _unacknowledged;

    /// <summary>Answers that were not 200, by status (a 503 is the API's "retry": expected while a silo dies).</summary>
    public IReadOnlyList<HttpStatusCode> Errors => _errors;

    public int AcknowledgedBatches => Volatile.Read(ref _acknowledgedBatches);

    /// <summary>Posts until <paramref name="stop"/>, each batch to the next of <paramref name="targets"/> (asked before each batch).</summary>
    public async Task RunAsync(Func<IReadOnlyList<Uri>> targets, CancellationToken stop)
    {
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            var silos = targets();
            var batch = Enumerable.Range(0, batchSize)
                .Select(_ => Signals.For(kind, subjects[_random.Next(subjects.Count)], types[_random.Next(types.Count)], occurredAt: _start.AddMilliseconds(100.0 * _sent++)))
                .ToList();
            var unacknowledged = await PostAsync(silos[n % silos.Count], batch);
            _unacknowledged.AddRange(unacknowledged);
            if (unacknowledged.Count == 0)
            {
                Interlocked.Increment(ref _acknowledgedBatches);
            }
        }
    }

    /// <summary>Waits until <paramref name="more"/> batches more than now were acknowledged whole.</summary>
    public async Task WaitForBatchesAsync(int more, string what, TimeSpan timeout)
    {
        var target = AcknowledgedBatches + more;
        var deadline = DateTime.UtcNow + timeout;
        while (AcknowledgedBatches < target)
        {
            lock (_rejections)
            {
                // Every signal sent is valid: a rejection is a bug, and the batches waited for would never come.
                if (_rejections.Count > 0)
                {
                    throw new InvalidOperationException($"{what}: signals were rejected: {string.Join("; ", _rejections.Take(3))}");
                }
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{what}: {AcknowledgedBatches} of {target} batches acknowledged within {timeout}.");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>
    /// Retries every unacknowledged signal with its own id, as a producer must, until each is acknowledged; returns each
    /// retry's outcome status.
    /// </summary>
    public async Task<List<SignalStatus>> RetryUnacknowledgedAsync(Uri silo, TimeSpan timeout)
    {
        var statuses = new List<SignalStatus>();
        var deadline = DateTime.UtcNow + timeout;
        var pending = _unacknowledged.ToList();
        _unacknowledged.Clear();
        while (pending.Count > 0)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{pending.Count} signals were still not acknowledged after retrying for {timeout}.");
            }

            var next = new List<SignalInput>();
            foreach (var chunk in pending.Chunk(batchSize))
            {
                var (outcomes, status) = await SendAsync(silo, chunk);
                statuses.AddRange(outcomes?.Select(o => o.Status) ?? []);
                next.AddRange(outcomes is null ? chunk : Ledger.Record(chunk, outcomes));
                if (status != HttpStatusCode.OK)
                {
                    _errors.Add(status);
                }
            }

            pending = next;
        }

        return statuses;
    }

    public void Dispose() => _http.Dispose();

    private async Task<List<SignalInput>> PostAsync(Uri silo, List<SignalInput> batch)
    {
        var (outcomes, status) = await SendAsync(silo, batch);
        if (status != HttpStatusCode.OK && status != 0)
        {
            _errors.Add(status);
        }

        if (outcomes is null)
        {
            return batch;
        }

        lock (_rejections)
        {
            _rejections.AddRange(outcomes.Where(o => o.Status == SignalStatus.Rejected).Select(o => $"{o.SignalId}: {o.Field} {o.Code} {o.Reason}"));
        }

        return Ledger.Record(batch, outcomes);
    }

    /// <summary>
    /// The outcomes, or null when the silo gave none (it went away: status 0; or an error without items). A 503 that
    /// carries items is the API's "some items failed, retry those": its applied items are acknowledged.
    /// </summary>
    private async Task<(IReadOnlyList<SignalOutcome>? Outcomes, HttpStatusCode Status)> SendAsync(Uri silo, IReadOnlyList<SignalInput> batch)
    {
        try
        {
            using var response = await _http.PostAsJsonAsync(new Uri(silo, "/v1/signals"), batch, ApiJson.Options);
            if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable))
            {
                return (null, response.StatusCode);
            }

            using var body = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync());
            if (!body.RootElement.TryGetProperty("outcomes", out _))
            {
                return (null, response.StatusCode);
            }

            var result = body.RootElement.Deserialize<IngestResult>(ApiJson.Options);
            return (result!.Outcomes, response.StatusCode);
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or IOException)
        {
            // The silo went away mid-request: nothing of this batch is known to be acknowledged.
            return (null, 0);
        }
    }
}
