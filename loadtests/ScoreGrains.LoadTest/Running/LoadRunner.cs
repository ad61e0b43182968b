using System.Collections.Concurrent;
using System.Diagnostics;
using ScoreGrains.LoadTest.Checking;
using ScoreGrains.LoadTest.Generation;
using ScoreGrains.LoadTest.Options;
using ScoreGrains.LoadTest.Targets;

namespace ScoreGrains.LoadTest.Running;

/// <summary>
/// Open-loop load: each producer owns every P-th batch of the schedule, makes it ahead of time, waits for its
/// intended send time, and sends it without waiting for earlier answers. Only the in-flight limit can hold a
/// producer back, and then the wait counts in the latency, which is always measured from the intended time.
/// With rate 0 the loop is closed: batches go as fast as the in-flight limit allows, latency from the actual send.
/// </summary>
public sealed class LoadRunner
{
    private readonly LoadTestOptions _options;
    private readonly ILoadTarget _target;
    private readonly RunMetrics _metrics;
    private readonly AckLedger? _ledger;
    private readonly ActiveSubjects _active;
    private readonly SignalGenerator[] _generators;
    private readonly ConcurrentDictionary<GeneratedBatch, byte> _pending = new();
    private readonly DateTimeOffset _clockBase = DateTimeOffset.UtcNow;
    private readonly long _runStart = Stopwatch.GetTimestamp();

    public LoadRunner(LoadTestOptions options, ILoadTarget target, RunMetrics metrics, AckLedger? ledger, ActiveSubjects active, Func<int, DateTimeOffset, SignalGenerator> generator)
    {
        _options = options;
        _target = target;
        _metrics = metrics;
        _ledger = ledger;
        _active = active;
        _generators = [.. Enumerable.Range(0, options.Producers).Select(p => generator(p, _clockBase))];
    }

    /// <summary>Signals sent so far over all phases: the next phase's counts continue from here.</summary>
    public long SentSignals { get; private set; }

    /// <summary>Runs one phase to its end (duration, count, or cancellation) and waits for the outstanding answers.</summary>
    public async Task<PhaseResult> RunPhaseAsync(PhasePlan plan, CancellationToken cancellationToken)
    {
        _metrics.BeginPhase(plan.Name, plan.Rate, plan.Rate > 0 ? plan.Ramp : TimeSpan.Zero);
        var start = Stopwatch.GetTimestamp();
        var schedule = plan.Rate > 0 ? new RateSchedule(plan.Rate, plan.Ramp) : null;
        var perProducer = plan.InFlightPerProducer ?? Math.Max(1, _options.MaxInFlight / _options.Producers);
        var gates = Enumerable.Range(0, _options.Producers).Select(_ => new SemaphoreSlim(perProducer, perProducer)).ToArray();
        var totals = new long[_options.Producers];
        await Task.WhenAll(Enumerable.Range(0, _options.Producers).Select(p =>
            Task.Run(() => ProduceAsync(p, plan, schedule, start, gates[p], totals, cancellationToken), CancellationToken.None)));
        var sendingSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        SentSignals += totals.Sum();

        var drained = await DrainAsync(gates, perProducer);
        if (!drained && _ledger is not null)
        {
            foreach (var batch in _pending.Keys)
            {
                _ledger.MarkUncertain(batch.Signals);
            }
        }

        if (drained)
        {
            // Undrained gates are still released by late answers, so only drained ones are disposed.
            foreach (var gate in gates)
            {
                gate.Dispose();
            }
        }

        return _metrics.EndPhase(sendingSeconds, drained);
    }

    private async Task ProduceAsync(int producer, PhasePlan plan, RateSchedule? schedule, long start, SemaphoreSlim gate, long[] totals, CancellationToken cancellationToken)
    {
        var producers = _options.Producers;
        var batchSize = plan.BatchSize ?? _options.BatchSize;
        var generator = _generators[producer];
        var phaseOffset = Stopwatch.GetElapsedTime(_runStart, start);
        try
        {
            for (long k = producer; !cancellationToken.IsCancellationRequested; k += producers)
            {
                var first = k * batchSize;
                if (plan.Count is { } count && first >= count)
                {
                    break;
                }

                var size = (int)Math.Min(batchSize, (plan.Count ?? long.MaxValue) - first);
                var due = schedule is null
                    ? Stopwatch.GetElapsedTime(start)
                    : TimeSpan.FromSeconds(schedule.SecondsFor(first + size));
                if (due > plan.Duration)
                {
                    break;
                }

                var batch = generator.Next(size, phaseOffset + due, plan.Picker);
                if (schedule is not null)
                {
                    var wait = due - Stopwatch.GetElapsedTime(start);
                    if (wait > TimeSpan.FromMilliseconds(1))
                    {
                        await Task.Delay(wait, cancellationToken);
                    }
                }
                else if (Stopwatch.GetElapsedTime(start) > plan.Duration)
                {
                    break;
                }

                await gate.WaitAsync(cancellationToken);
                var intended = schedule is null ? Stopwatch.GetTimestamp() : start + (long)(due.TotalSeconds * Stopwatch.Frequency);
                totals[producer] += size;
                _ = SendAsync(batch, intended, gate);
            }
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C: stop sending; what is in flight still completes and counts.
        }
    }

    private async Task SendAsync(GeneratedBatch batch, long intended, SemaphoreSlim gate)
    {
        if (_ledger is not null)
        {
            _pending.TryAdd(batch, 0);
        }

        _metrics.OnSent(batch.Signals.Count);
        var sentAt = Stopwatch.GetTimestamp();
        try
        {
            var result = await _target.SendAsync(batch.Signals);
            var ackedAt = Stopwatch.GetTimestamp();
            _metrics.OnAcknowledged(result, ackedAt - intended);
            for (var i = 0; i < batch.Subjects.Length; i++)
            {
                _active.Mark(batch.Subjects[i]);
            }

            _ledger?.Record(batch.Signals, result, sentAt, ackedAt);
        }
        catch (Exception exception)
        {
            _metrics.OnError(batch.Signals.Count, exception);
            _ledger?.MarkUncertain(batch.Signals);
        }
        finally
        {
            _pending.TryRemove(batch, out _);
            gate.Release();
        }
    }

    private async Task<bool> DrainAsync(SemaphoreSlim[] gates, int perProducer)
    {
        using var timeout = new CancellationTokenSource(_options.DrainTimeout);
        try
        {
            foreach (var gate in gates)
            {
                for (var i = 0; i < perProducer; i++)
                {
                    await gate.WaitAsync(timeout.Token);
                }
            }

            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
