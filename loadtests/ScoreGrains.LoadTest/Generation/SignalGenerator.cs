using System.Globalization;
using ScoreGrains.Contracts;

namespace ScoreGrains.LoadTest.Generation;

/// <summary>
/// Makes batches for one producer: not thread-safe, one per producer. Signal ids are
/// <c>{run}-{producer}-{sequence}</c>, unique across the run; occurredAt is the run's wall-clock start plus the
/// batch's intended send offset, a share of them up to a year earlier (late-arriving records).
/// </summary>
public sealed class SignalGenerator(
    SubjectSpace space,
    ISubjectPicker picker,
    SignalCatalog catalog,
    string runId,
    int producer,
    DateTimeOffset clockBase,
    double lateShare,
    int seed)
{
    private const string Source = "loadtest";
    private static readonly long YearTicks = TimeSpan.FromDays(365).Ticks;
    private readonly Random _random = new(HashCode.Combine(seed, producer));
    private readonly string _idPrefix = $"{runId}-{producer.ToString(CultureInfo.InvariantCulture)}-";
    private long _sequence;

    public GeneratedBatch Next(int size, TimeSpan offset, ISubjectPicker? pickerOverride = null)
    {
        var signals = new List<SignalInput>(size);
        var subjects = new long[size];
        var now = clockBase.UtcTicks + offset.Ticks;
        for (var i = 0; i < size; i++)
        {
            var subject = (pickerOverride ?? picker).Next(_random);
            subjects[i] = subject;
            var kind = space.KindOf(subject);
            var signal = catalog.Pick(kind, _random);
            var occurred = _random.NextDouble() < lateShare ? now - _random.NextInt64(YearTicks) : now;
            occurred -= occurred % 10; // whole microseconds: the precision PostgreSQL and so the journal keep
            signals.Add(new SignalInput
            {
                SignalId = string.Concat(_idPrefix, (_sequence++).ToString(CultureInfo.InvariantCulture)),
                Subject = new SubjectInput { Kind = SubjectSpace.Kinds[kind], Id = space.IdOf(subject) },
                Type = signal.Type,
                Value = signal.NeedsValue ? signal.ValueMin + _random.Next(signal.ValueSpan + 1) : null,
                OccurredAt = new DateTimeOffset(occurred, TimeSpan.Zero),
                Source = Source,
            });
        }

        return new GeneratedBatch(signals, subjects);
    }
}
