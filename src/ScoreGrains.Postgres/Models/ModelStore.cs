using Npgsql;

namespace ScoreGrains.Postgres.Models;

/// <summary>The uploaded models of one cluster (<c>scoring_models</c>): appended on upload, read newest per kind.</summary>
public sealed class ModelStore(NpgsqlDataSource dataSource)
{
    /// <summary>Records <paramref name="document"/> as the model of its kind from now on.</summary>
    public async Task<StoredModel> AddAsync(string serviceId, string kind, string version, string document, string changedBy, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            "INSERT INTO scoring_models (service_id, kind, version, document, changed_by) VALUES ($1, $2, $3, $4, $5) RETURNING id, changed_at");
        command.Parameters.Add(new() { Value = serviceId });
        command.Parameters.Add(new() { Value = kind });
        command.Parameters.Add(new() { Value = version });
        command.Parameters.Add(new() { Value = document });
        command.Parameters.Add(new() { Value = changedBy });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return new StoredModel(reader.GetInt64(0), kind, version, document, changedBy, reader.GetFieldValue<DateTimeOffset>(1));
    }

    /// <summary>The newest upload of each kind whose id is above <paramref name="after"/> (0: every kind's newest).</summary>
    public async Task<IReadOnlyList<StoredModel>> LatestAsync(string serviceId, long after, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            """
            SELECT DISTINCT ON (kind) id, kind, version, document, changed_by, changed_at
            FROM scoring_models WHERE service_id = $1 AND id > $2
            ORDER BY kind, id DESC
            """);
        command.Parameters.Add(new() { Value = serviceId });
        command.Parameters.Add(new() { Value = after });
        var models = new List<StoredModel>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            models.Add(new StoredModel(
                reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetFieldValue<DateTimeOffset>(5)));
        }

        return models;
    }
}

/// <summary>One uploaded model version.</summary>
public sealed record StoredModel(long Id, string Kind, string Version, string Document, string ChangedBy, DateTimeOffset ChangedAt);
