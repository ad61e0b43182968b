using System.Diagnostics.Metrics;
using ScoreGrains.Contracts;
using ScoreGrains.Grains.Notifications;
using ScoreGrains.Scoring;

namespace ScoreGrains.Grains.Observability;

/// <summary>
/// The silo's own meter, <see cref="MeterName"/>, and its instruments (src/ScoreGrains.Silo/Observability/README.md
/// lists them as Prometheus shows them). The journal's commit histograms are made on the same meter by <c>JournalStatistics</c>, which is
/// given it, so ScoreGrains.Postgres needs no meter of its own.
/// </summary>
/// <remarks>
/// Made through the host's <see cref="IMeterFactory"/>, not as a static meter: the active-subjects gauge reads this
/// silo's band tally, and the meter's scope (its factory) tells one silo's figures from another's where one process
/// hosts more than one (the tests do), so each silo's endpoint reports its own only (the silo's wiring filters by it).
/// Every Add names its tags from fixed strings, so a measurement allocates nothing.
/// </remarks>
public sealed class ScoreGrainsMetrics
{
    public const string MeterName = "ScoreGrains";

    /// <summary>The <c>transport</c> of a delivery or a drop: a .NET subscriber through Orleans, or a Server-Sent Events connection.</summary>
    public const string Orleans = "orleans";

    /// <inheritdoc cref="Orleans"/>
    public const string Sse = "sse";

    /// <summary>The <c>reason</c> of a drop: the subscriber's queue passed its limit.</summary>
    public const string QueueFull = "queue_full";

    /// <summary>The <c>reason</c> of a drop: a push failed or took longer than its timeout.</summary>
    public const string PushFailed = "push_failed";

    /// <summary>The <c>kind</c> of a signal rejected before its kind could be read.</summary>
    public const string UnknownKind = "unknown";

    // By SignalStatus, whose names they are: the values clients see as each outcome's status.
    private static readonly string[] Outcomes = ["applied", "duplicate", "rejected", "failed"];

    // By ActivationSource, whose names they are.
    private static readonly string[] ActivationSources = ["none", "snapshot", "snapshot_replay", "replay"];

    // An activation's storage time: from well under a millisecond (one shared round trip) to seconds when queued.
    private static readonly double[] ActivationBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly Counter<long> _signals;
    private readonly Counter<long> _crossingsWritten;
    private readonly Counter<long> _crossingsDelivered;
    private readonly Counter<long> _subscribersDropped;
    private readonly Counter<long> _activations;
    private readonly Histogram<double> _activationStorage;
    private readonly SubjectBandTally _bands;

    public ScoreGrainsMetrics(IMeterFactory meters, SubjectBandTally bands)
    {
        ArgumentNullException.ThrowIfNull(meters);
        _bands = bands;
        Meter = meters.Create(MeterName);
        _signals = Meter.CreateCounter<long>(
            "scoregrains.signals", "{signal}", "Signals answered, by subject kind and outcome (applied, duplicate, rejected, failed); each signal of a batch once.");
        _crossingsWritten = Meter.CreateCounter<long>(
            "scoregrains.crossings.written", "{crossing}", "Band crossings committed by this silo's subjects, by kind.");
        _crossingsDelivered = Meter.CreateCounter<long>(
            "scoregrains.crossings.delivered", "{crossing}", "Crossings handed to live subscribers, by kind and transport (orleans: .NET subscribers; sse: HTTP streams).");
        _subscribersDropped = Meter.CreateCounter<long>(
            "scoregrains.subscribers.dropped", "{subscriber}", "Live subscribers dropped for falling behind, by transport and reason; each resumes from the durable feed.");
        _activations = Meter.CreateCounter<long>(
            "scoregrains.subjects.activations", "{activation}", "Subject activations, by what storage held for them (none, snapshot, snapshot_replay, replay).");
        _activationStorage = Meter.CreateHistogram(
            "scoregrains.subjects.activation.storage.duration", "s", "Time an activation spent reading its snapshot and replaying its journal.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = ActivationBuckets });
        Meter.CreateObservableUpDownCounter(
            "scoregrains.subjects.active", ObserveActiveSubjects, "{subject}", "Subjects active (in memory) on this silo, by kind and band.");
    }

    /// <summary>The meter every ScoreGrains instrument of this silo is made on.</summary>
    public Meter Meter { get; }

    /// <summary>Counts one call's signals, a measurement per kind and outcome that occurred.</summary>
    public void CountSignals(SignalTally tally)
    {
        ArgumentNullException.ThrowIfNull(tally);
        if (!_signals.Enabled)
        {
            return;
        }

        for (var kind = 0; kind < SignalTally.Kinds; kind++)
        {
            for (var outcome = 0; outcome < SignalTally.Outcomes; outcome++)
            {
                if (tally[kind, outcome] is var count and > 0)
                {
                    _signals.Add(count, new("kind", KindTag(kind)), new("outcome", Outcomes[outcome]));
                }
            }
        }
    }

    /// <summary>Counts the outcomes of a call to one subject of <paramref name="kind"/>, without a tally.</summary>
    public void CountSignals(SubjectKind kind, IReadOnlyList<SignalOutcome> outcomes)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        if (!_signals.Enabled)
        {
            return;
        }

        int applied = 0, duplicate = 0, rejected = 0, failed = 0;
        for (var i = 0; i < outcomes.Count; i++)
        {
            switch (outcomes[i].Status)
            {
                case SignalStatus.Applied: applied++; break;
                case SignalStatus.Duplicate: duplicate++; break;
                case SignalStatus.Rejected: rejected++; break;
                default: failed++; break;
            }
        }

        CountSignals(kind, SignalStatus.Applied, applied);
        CountSignals(kind, SignalStatus.Duplicate, duplicate);
        CountSignals(kind, SignalStatus.Rejected, rejected);
        CountSignals(kind, SignalStatus.Failed, failed);
    }

    /// <summary>Counts <paramref name="count"/> signals of one kind (null: not known) with one outcome.</summary>
    public void CountSignals(SubjectKind? kind, SignalStatus status, int count)
    {
        if (count > 0)
        {
            _signals.Add(count, new("kind", kind is { } k ? SubjectKinds.ToKey(k) : UnknownKind), new("outcome", Outcomes[(int)status]));
        }
    }

    /// <summary>A subject activated from <paramref name="source"/>, after <paramref name="storage"/> reading it.</summary>
    public void CountActivation(ActivationSource source, TimeSpan storage)
    {
        _activations.Add(1, new KeyValuePair<string, object?>("source", ActivationSources[(int)source]));
        if (source != ActivationSource.None || storage > TimeSpan.Zero)
        {
            _activationStorage.Record(storage.TotalSeconds);
        }
    }

    /// <summary>A crossing of <paramref name="kind"/> committed on this silo.</summary>
    public void CountCrossingWritten(string kind) => _crossingsWritten.Add(1, new KeyValuePair<string, object?>("kind", kind));

    /// <summary><paramref name="count"/> crossings of <paramref name="kind"/> reached a subscriber over <paramref name="transport"/>.</summary>
    public void CountCrossingsDelivered(string kind, string transport, int count) =>
        _crossingsDelivered.Add(count, new("kind", kind), new("transport", transport));

    /// <summary>A subscriber over <paramref name="transport"/> was dropped from live push.</summary>
    public void CountSubscriberDropped(string transport, string reason) =>
        _subscribersDropped.Add(1, new("transport", transport), new("reason", reason));

    private static string KindTag(int kind) => kind < SubjectKinds.All.Count ? SubjectKinds.ToKey(SubjectKinds.All[kind]) : UnknownKind;

    // Read at each scrape: a handful of measurements from counters the tally keeps anyway.
    private List<Measurement<long>> ObserveActiveSubjects()
    {
        var measurements = new List<Measurement<long>>();
        foreach (var kind in SubjectKinds.All)
        {
            var key = SubjectKinds.ToKey(kind);
            foreach (var band in _bands.Snapshot(kind))
            {
                measurements.Add(new Measurement<long>(band.Subjects, new("kind", key), new("band", band.Band)));
            }
        }

        return measurements;
    }
}
