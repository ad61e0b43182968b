using System.Buffers.Binary;
using System.Text;

namespace ScoreGrains.Postgres.Journal;

/// <summary>
/// Journal rows in PostgreSQL's binary COPY format (https://www.postgresql.org/docs/current/sql-copy.html, "Binary
/// Format"), encoded into one reusable buffer and sent through <c>BeginRawBinaryCopy</c>. Npgsql's
/// <c>NpgsqlBinaryImporter</c> resolves a type converter for every value it writes: 13 per row, ~2.5% of the
/// machine's CPU at 38k rows/s (loadtests/HISTORY.md); the row shape is fixed, so it is encoded here directly.
/// Not thread-safe: one per journal writer.
/// </summary>
/// <remarks>
/// Values are encoded as Npgsql encodes them: text as UTF-8 (invalid UTF-16 replaced, as <see cref="Encoding.UTF8"/>
/// does), bigint and double precision big-endian, timestamptz as microseconds since 2000-01-01 UTC truncated toward
/// it, with <see cref="DateTime.MinValue"/> and <see cref="DateTime.MaxValue"/> as -infinity and infinity.
/// </remarks>
public sealed class JournalCopyBuffer
{
    private const short Columns = 13;

    // 2000-01-01T00:00:00Z, the zero of PostgreSQL's timestamps.
    private const long PostgresEpochTicks = 630822816000000000;

    private static readonly byte[] Header = [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xFF, (byte)'\r', (byte)'\n', 0, 0, 0, 0, 0, 0, 0, 0, 0];

    private byte[] _buffer = new byte[64 * 1024];
    private int _length;

    /// <summary>Starts a new COPY stream: the signature, no flags, no header extension.</summary>
    public void Start()
    {
        _length = 0;
        Reserve(Header.Length);
        Header.CopyTo(_buffer, 0);
        _length = Header.Length;
    }

    public void Add(JournalEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        Reserve(2);
        BinaryPrimitives.WriteInt16BigEndian(_buffer.AsSpan(_length), Columns);
        _length += 2;
        WriteText(entry.SubjectKey);
        WriteInt64(entry.Seq);
        WriteText(entry.SignalId);
        WriteText(entry.SignalType);
        if (entry.Value is { } value)
        {
            WriteDouble(value);
        }
        else
        {
            Reserve(4);
            WriteLength(-1); // NULL
        }

        WriteTimestamp(entry.OccurredAt);
        WriteText(entry.Source);
        WriteDouble(entry.ScoreBefore);
        WriteDouble(entry.ScoreAfter);
        WriteText(entry.BandBefore);
        WriteText(entry.BandAfter);
        WriteText(entry.ModelVersion);
        WriteTimestamp(entry.RecordedAt);
    }

    /// <summary>Ends the stream (the trailer) and returns it whole.</summary>
    public ReadOnlySpan<byte> Finish()
    {
        Reserve(2);
        BinaryPrimitives.WriteInt16BigEndian(_buffer.AsSpan(_length), -1);
        _length += 2;
        return _buffer.AsSpan(0, _length);
    }

    /// <summary>
    /// The time the journal reads back for <paramref name="time"/>: whole microseconds since PostgreSQL's epoch,
    /// truncated toward it, as <see cref="ToPostgresMicroseconds"/> encodes it.
    /// </summary>
    public static DateTimeOffset ToStoredPrecision(DateTimeOffset time)
    {
        var sincePostgresEpoch = time.UtcTicks - PostgresEpochTicks;
        return new DateTimeOffset(PostgresEpochTicks + sincePostgresEpoch - (sincePostgresEpoch % 10), TimeSpan.Zero);
    }

    /// <summary>PostgreSQL's timestamptz: microseconds since its epoch, as Npgsql writes a UTC <see cref="DateTime"/>.</summary>
    public static long ToPostgresMicroseconds(DateTimeOffset time)
    {
        var ticks = time.UtcTicks;
        return ticks == DateTime.MaxValue.Ticks ? long.MaxValue
            : ticks == DateTime.MinValue.Ticks ? long.MinValue
            : (ticks - PostgresEpochTicks) / 10;
    }

    private void WriteText(string value)
    {
        Reserve(4 + Encoding.UTF8.GetMaxByteCount(value.Length));
        var bytes = Encoding.UTF8.GetBytes(value, _buffer.AsSpan(_length + 4));
        WriteLength(bytes);
        _length += bytes;
    }

    private void WriteInt64(long value)
    {
        Reserve(12);
        WriteLength(8);
        BinaryPrimitives.WriteInt64BigEndian(_buffer.AsSpan(_length), value);
        _length += 8;
    }

    private void WriteDouble(double value)
    {
        Reserve(12);
        WriteLength(8);
        BinaryPrimitives.WriteDoubleBigEndian(_buffer.AsSpan(_length), value);
        _length += 8;
    }

    private void WriteTimestamp(DateTimeOffset value) => WriteInt64(ToPostgresMicroseconds(value));

    private void WriteLength(int length)
    {
        BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(_length), length);
        _length += 4;
    }

    private void Reserve(int bytes)
    {
        if (_length + bytes > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + bytes));
        }
    }
}
