using Npgsql;

namespace ScoreGrains.Tests.Infrastructure;

/// <summary>
/// A lock on <c>signal_journal</c> held in an open transaction until <see cref="ReleaseAsync"/>: commits (and, in
/// ACCESS EXCLUSIVE mode, reads) queue behind it, so a test can assert on what queued rather than on time.
/// </summary>
public sealed class JournalLock : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;

    private JournalLock(NpgsqlConnection connection, NpgsqlTransaction transaction) => (_connection, _transaction) = (connection, transaction);

    /// <param name="mode">EXCLUSIVE blocks writes; ACCESS EXCLUSIVE blocks reads too.</param>
    public static async Task<JournalLock> HoldAsync(string connectionString, string mode = "EXCLUSIVE")
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using (var lockTable = new NpgsqlCommand($"LOCK TABLE signal_journal IN {mode} MODE", connection, transaction))
        {
            await lockTable.ExecuteNonQueryAsync();
        }

        return new JournalLock(connection, transaction);
    }

    public Task ReleaseAsync() => _transaction.RollbackAsync();

    public async ValueTask DisposeAsync()
    {
        await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
