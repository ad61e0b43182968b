using System.Collections.Concurrent;
using System.Diagnostics;
using HdrHistogram;
using ScoreGrains.Contracts;
using ScoreGrains.LoadTest.Resources;

namespace ScoreGrains.LoadTest.Running;

/// <summary>
/// Counters and ack-latency histograms for a run, thread-safe. Latency is recorded per signal (each signal's
/// latency is its batch's) in microseconds into an HdrHistogram interval recorder; <see cref="Sample"/> turns
/// the interval into an <see cref="IntervalSample"/> and adds it to the run's and the current phase's totals.
/// </summary>
public sealed class RunMetrics
{
    private const long HighestMicros = 3_600_000_000; // one hour

    private readonly Recorder _recorder = HistogramFactory.With64BitBucketSize()
        .WithValuesFrom(1).WithValuesUpTo(HighestMicros).WithPrecisionOf(3)
        .WithThreadSafeWrites().WithThreadSafeReads().Create();

    private readonly object _sampleLock = new();
    private readonly CpuMeter _cpu = new();
    private TimeSpan _lastGcPause = GC.GetTotalPauseDuration();
    private readonly ConcurrentDictionary<string, long> _problems = new(StringComparer.Ordinal);
    private readonly List<IntervalSample> _samples = [];
    private readonly long _runStart = Stopwatch.GetTimestamp();
    private readonly HistogramBase _interval;
    private long _sent;
    private long _applied;
    private long _duplicates;
    private long _rejected;
    private long _failed;
    private long _unknown;
    private long _inFlight;
    private long _lastSampleAt;
    private Counters _lastSampleCounts = new(0, 0, 0, 0, 0, 0);
    private Phase? _phase;

    public RunMetrics()
    {
        _interval = _recorder.GetIntervalHistogram();
        _lastSampleAt = _runStart;
        Total = _interval.Copy();
        Total.Reset();
    }

    /// <summary>Every latency recorded in the run.</summary>
    public HistogramBase Total { get; }

    public long InFlight => Interlocked.Read(ref _inFlight);

    public double SecondsSinceStart => Stopwatch.GetElapsedTime(_runStart).TotalSeconds;

    public IReadOnlyList<IntervalSample> Samples
    {
        get
        {
            lock (_sampleLock)
            {
                return [.. _samples];
            }
        }
    }

    /// <summary>The most frequent problems (errors, rejections), most frequent first.</summary>
    public IReadOnlyList<KeyValuePair<string, long>> Problems =>
        [.. _problems.OrderByDescending(p => p.Value).Take(10)];

    public Counters Snapshot() => new(
        Interlocked.Read(ref _sent),
        Interlocked.Read(ref _applied),
        Interlocked.Read(ref _duplicates),
        Interlocked.Read(ref _rejected),
        Interlocked.Read(ref _failed),
        Interlocked.Read(ref _unknown));

    public void OnSent(int signals)
    {
        Interlocked.Add(ref _sent, signals);
        Interlocked.Increment(ref _inFlight);
    }

    public void OnAcknowledged(IngestResult result, long latencyTicks)
    {
        long applied = 0, duplicates = 0, rejected = 0, failed = 0;
        foreach (var outcome in result.Outcomes)
        {
            switch (outcome.Status)
            {
                case SignalStatus.Applied: applied++; break;
                case SignalStatus.Duplicate: duplicates++; break;
                case SignalStatus.Rejected: rejected++; Problem($"rejected {outcome.Field}: {outcome.Code}"); break;
                default: failed++; Problem($"failed: {outcome.Code} {outcome.Reason}"); break;
            }
        }

        var micros = Math.Clamp(latencyTicks * 1_000_000 / Stopwatch.Frequency, 1, HighestMicros);
        _recorder.RecordValueWithCount(micros, result.Outcomes.Count);
        Interlocked.Add(ref _applied, applied);
        Interlocked.Add(ref _duplicates, duplicates);
        Interlocked.Add(ref _rejected, rejected);
        Interlocked.Add(ref _failed, failed);
        Interlocked.Decrement(ref _inFlight);
    }

    public void OnError(int signals, Exception exception)
    {
        var message = exception.GetBaseException().Message;
        Problem($"{exception.GetType().Name}: {(message.Length > 160 ? message[..160] : message)}");
        Interlocked.Add(ref _unknown, signals);
        Interlocked.Decrement(ref _inFlight);
    }

    /// <summary>Starts a phase; the phase's steady latency begins after <paramref name="ramp"/>.</summary>
    public void BeginPhase(string name, double targetRate, TimeSpan ramp)
    {
        lock (_sampleLock)
        {
            TakeSample();
            var all = Total.Copy();
            all.Reset();
            var steady = Total.Copy();
            steady.Reset();
            _phase = new Phase(name, targetRate, ramp, Stopwatch.GetTimestamp(), Snapshot(), all, steady, CpuReading.Now());
        }
    }

    public PhaseResult EndPhase(double sendingSeconds, bool drainedInTime)
    {
        lock (_sampleLock)
        {
            TakeSample();
            var phase = _phase ?? throw new InvalidOperationException("No phase was begun.");
            _phase = null;
            var counts = Snapshot().Minus(phase.Start);
            var elapsed = Stopwatch.GetElapsedTime(phase.StartedAt).TotalSeconds;
            // A linear ramp delivers half its length's worth of the target rate: count it as half its time.
            var effectiveSeconds = Math.Max(elapsed - (phase.Ramp.TotalSeconds / 2), 1e-9);
            var total = Math.Max(counts.Sent, 1);
            return new PhaseResult(
                phase.Name,
                phase.TargetRate,
                phase.Ramp.TotalSeconds,
                sendingSeconds,
                elapsed,
                counts,
                counts.Sent / Math.Max(sendingSeconds - (phase.Ramp.TotalSeconds / 2), 1e-9),
                counts.Acked / effectiveSeconds,
                (double)counts.Errors / total,
                LatencySummary.From(phase.All),
                LatencySummary.From(phase.Steady),
                drainedInTime)
            {
                Cpu = CpuReading.Now().Since(phase.CpuAtStart),
            };
        }
    }

    /// <summary>Closes the current interval; called once a second and at phase boundaries.</summary>
    public IntervalSample Sample()
    {
        lock (_sampleLock)
        {
            return TakeSample();
        }
    }

    private IntervalSample TakeSample()
    {
        _recorder.GetIntervalHistogramInto(_interval);
        var now = Stopwatch.GetTimestamp();
        var seconds = Math.Max(Stopwatch.GetElapsedTime(_lastSampleAt, now).TotalSeconds, 1e-6);
        var counts = Snapshot();
        var delta = counts.Minus(_lastSampleCounts);
        (_lastSampleAt, _lastSampleCounts) = (now, counts);
        Total.Add(_interval);
        var phaseName = "";
        var targetRate = 0.0;
        if (_phase is { } phase)
        {
            phase.All.Add(_interval);
            var sincePhase = Stopwatch.GetElapsedTime(phase.StartedAt, now);
            if (sincePhase - TimeSpan.FromSeconds(seconds) >= phase.Ramp)
            {
                phase.Steady.Add(_interval);
            }

            phaseName = phase.Name;
            targetRate = sincePhase >= phase.Ramp || phase.Ramp == TimeSpan.Zero
                ? phase.TargetRate
                : phase.TargetRate * sincePhase / phase.Ramp;
        }

        var latency = LatencySummary.From(_interval);
        var cpu = _cpu.Sample();
        var gcPause = GC.GetTotalPauseDuration();
        var sample = new IntervalSample(
            Stopwatch.GetElapsedTime(_runStart, now).TotalSeconds,
            phaseName,
            targetRate,
            delta.Sent / seconds,
            delta.Acked / seconds,
            delta.Errors / seconds,
            InFlight,
            latency.P50Ms,
            latency.P90Ms,
            latency.P99Ms,
            latency.MaxMs,
            GC.GetTotalMemory(false) / 1048576.0,
            Environment.WorkingSet / 1048576.0,
            (gcPause - _lastGcPause).TotalMilliseconds,
            cpu.Process,
            cpu.Postgres,
            cpu.Machine);
        _lastGcPause = gcPause;
        _samples.Add(sample);
        return sample;
    }

    private void Problem(string text) => _problems.AddOrUpdate(text, 1, (_, n) => n + 1);

    private sealed record Phase(string Name, double TargetRate, TimeSpan Ramp, long StartedAt, Counters Start, HistogramBase All, HistogramBase Steady, CpuReading CpuAtStart);
}
