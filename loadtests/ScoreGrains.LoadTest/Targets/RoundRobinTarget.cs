using System.Diagnostics;
using System.Net;
using HdrHistogram;
using ScoreGrains.Contracts;
using ScoreGrains.LoadTest.Cluster;

namespace ScoreGrains.LoadTest.Targets;

/// <summary>
/// Several silos' HTTP APIs at once: each batch goes to the next one. With <paramref name="retryFor"/> above zero, the
/// items of a batch that were not acknowledged (answered <c>failed</c>, a 503, a server error or no answer at all) are
/// sent again, with the same signalIds, to the next silo until they are acknowledged or the time is up, as a producer
/// riding out a silo's death does; the batch's result then holds the final outcome of each item. What the retries saw
/// is in <see cref="Retries"/>, and every acknowledged item goes to <paramref name="ledger"/>.
/// </summary>
public sealed class RoundRobinTarget(IReadOnlyList<HttpTarget> silos, TimeSpan retryFor, ClusterLedger? ledger = null) : ILoadTarget
{
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(1);
    private int _next = -1;

    public string Description => silos.Count == 1 ? silos[0].Description : $"{silos.Count} silos round-robin: " + string.Join(", ", silos.Select(s => s.Description));

    public IGrainFactory? Grains => null;

    public RetryStats Retries { get; } = new();

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var silo in silos)
        {
            await silo.StartAsync(cancellationToken);
        }
    }

    public async Task<IngestResult> SendAsync(IReadOnlyList<SignalInput> batch)
    {
        ledger?.OnSent(batch);
        if (retryFor <= TimeSpan.Zero)
        {
            var once = await NextSilo().SendAsync(batch);
            ledger?.OnAcknowledged(batch, once.Outcomes);
            return once;
        }

        var outcomes = new SignalOutcome[batch.Count];
        var pending = Enumerable.Range(0, batch.Count).ToList();
        long? firstFailure = null;
        var backoff = FirstBackoff;
        while (true)
        {
            var items = pending.Select(i => batch[i]).ToList();
            var attemptStarted = Stopwatch.GetTimestamp();
            IReadOnlyList<SignalOutcome>? answered = null;
            try
            {
                answered = (await NextSilo().SendAsync(items)).Outcomes;
            }
            catch (HttpRequestException e) when (e.StatusCode is >= HttpStatusCode.InternalServerError)
            {
                Retries.OnServerError(e.Message);
            }
            catch (Exception e) when (e is TaskCanceledException or HttpRequestException { StatusCode: null })
            {
                Retries.OnNoAnswer();
            }

            var stillPending = new List<int>();
            for (var j = 0; j < pending.Count; j++)
            {
                if (answered is not null && answered[j].Status != SignalStatus.Failed)
                {
                    outcomes[pending[j]] = answered[j];
                }
                else
                {
                    stillPending.Add(pending[j]);
                    outcomes[pending[j]] = answered?[j] ?? new SignalOutcome(batch[pending[j]].SignalId, SignalStatus.Failed, Reason: "no answer");
                }
            }

            ledger?.OnAcknowledged(items, [.. pending.Select(i => outcomes[i])]);
            pending = stillPending;
            if (pending.Count == 0)
            {
                if (firstFailure is { } first)
                {
                    Retries.OnRecovered(Stopwatch.GetElapsedTime(first));
                }

                return new IngestResult(outcomes);
            }

            firstFailure ??= attemptStarted;
            Retries.OnRetry(pending.Count);
            if (Stopwatch.GetElapsedTime(firstFailure.Value) + backoff > retryFor)
            {
                Retries.OnGaveUp(pending.Count);
                return new IngestResult(outcomes);
            }

            await Task.Delay(backoff);
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
        }
    }

    /// <summary>Reads go to the first silo: every silo answers for every subject.</summary>
    public Task<SubjectScore?> ReadScoreAsync(string kind, string id) => silos[0].ReadScoreAsync(kind, id);

    public async ValueTask DisposeAsync()
    {
        foreach (var silo in silos)
        {
            await silo.DisposeAsync();
        }
    }

    private HttpTarget NextSilo() => silos[(int)((uint)Interlocked.Increment(ref _next) % (uint)silos.Count)];
}

/// <summary>What a <see cref="RoundRobinTarget"/>'s retries saw: how often, and how long a batch waited to be acknowledged.</summary>
public sealed class RetryStats
{
    private readonly LongConcurrentHistogram _gaps = new(1, 3_600_000_000, 3);
    private long _retriedItems;
    private long _gaveUpItems;
    private long _noAnswer;
    private long _serverErrors;
    private long _lastFailure;
    private string? _firstServerError;

    /// <summary>Item retries (an item retried three times counts three).</summary>
    public long RetriedItems => Interlocked.Read(ref _retriedItems);

    /// <summary>Items still unacknowledged when the retry time ran out.</summary>
    public long GaveUpItems => Interlocked.Read(ref _gaveUpItems);

    /// <summary>Requests that got no answer (connection refused or reset, timeout).</summary>
    public long NoAnswer => Interlocked.Read(ref _noAnswer);

    /// <summary>Answers with a 5xx other than the API's 503 "retry" (a 500 is a bug: the API never means it).</summary>
    public long ServerErrors => Interlocked.Read(ref _serverErrors);

    public string? FirstServerError => _firstServerError;

    /// <summary>Batches that needed a retry and were acknowledged in the end.</summary>
    public long RecoveredBatches => _gaps.TotalCount;

    /// <summary>Stopwatch timestamp of the last failed attempt; 0 when none failed.</summary>
    public long LastFailureTimestamp => Interlocked.Read(ref _lastFailure);

    /// <summary>Per recovered batch: from the start of its first failed attempt to its acknowledgement (the gap its producer sees).</summary>
    public Running.LatencySummary Gaps() => Running.LatencySummary.From(_gaps.Copy());

    internal void OnRetry(int items)
    {
        Interlocked.Add(ref _retriedItems, items);
        Interlocked.Exchange(ref _lastFailure, Stopwatch.GetTimestamp());
    }

    internal void OnGaveUp(int items) => Interlocked.Add(ref _gaveUpItems, items);

    internal void OnNoAnswer() => Interlocked.Increment(ref _noAnswer);

    internal void OnServerError(string message)
    {
        Interlocked.Increment(ref _serverErrors);
        Interlocked.CompareExchange(ref _firstServerError, message, null);
    }

    internal void OnRecovered(TimeSpan gap) => _gaps.RecordValue(Math.Clamp((long)gap.TotalMicroseconds, 1, 3_600_000_000));
}
