using Npgsql;

namespace ScoreGrains.Postgres.Tests;

/// <summary>The grain storage schema against the 10.x AdoNetGrainStorage contract.</summary>
[Collection(PostgresCollection.Name)]
public sealed class OrleansStorageSchemaTests(PostgresServerFixture postgres)
{
    private static readonly string[] _versionColumn = ["NewGrainStateVersion"];
    private static readonly string[] _readColumns = ["PayloadBinary", "Version"];

    [Theory]
    [InlineData(null)]
    [InlineData("citizen/110101199003077777")]
    public async Task TheStorageTableRejectsASecondRowForTheSameGrainIdentity(string? keyExtension)
    {
        var database = await postgres.CreateMigratedDatabaseAsync();
        const string Insert = """
            INSERT INTO orleansstorage (grainidhash, grainidn0, grainidn1, graintypehash, graintypestring,
                grainidextensionstring, serviceid, payloadbinary, version)
            VALUES (7, 0, 42, 9, 'subject', @ext, 'scoregrains', '\x01', 1)
            """;
        await InsertAsync(database, Insert, keyExtension);

        var duplicate = await Assert.ThrowsAsync<PostgresException>(() => InsertAsync(database, Insert, keyExtension));

        Assert.Equal(PostgresErrorCodes.UniqueViolation, duplicate.SqlState);
        Assert.Equal("orleansstorage_grain_identity", duplicate.ConstraintName);
    }

    [Fact]
    public async Task AStateWrittenThroughWriteToStorageKeyReadsBackThroughReadFromStorageKey()
    {
        var orleans = new OrleansQueries(await postgres.CreateMigratedDatabaseAsync());
        var grain = new Grain(IdHash: -123456, N0: 0, N1: 0, TypeHash: 987654, Type: "subject", Extension: "citizen/110101199003077777");
        byte[] first = [1, 2, 3];
        byte[] second = [4, 5, 6, 7];

        Assert.Null(await ReadAsync(orleans, grain));
        Assert.Equal(1, await WriteAsync(orleans, grain, version: null, first));
        await AssertStateAsync(orleans, grain, first, 1);
        Assert.Equal(2, await WriteAsync(orleans, grain, version: 1, second));
        await AssertStateAsync(orleans, grain, second, 2);

        // A stale etag or a second "first" write changes nothing and returns no version: Orleans throws
        // InconsistentStateException on both.
        Assert.Null(await WriteAsync(orleans, grain, version: 1, first));
        Assert.Null(await WriteAsync(orleans, grain, version: null, first));
        await AssertStateAsync(orleans, grain, second, 2);

        // The same ids under another state name or without the extension are other grains.
        Assert.Null(await ReadAsync(orleans, grain with { Type = "subject-snapshot" }));
        Assert.Null(await ReadAsync(orleans, grain with { Extension = null }));
    }

    [Fact]
    public async Task ClearKeepsTheVersionSequenceAndDeleteRemovesTheRow()
    {
        var orleans = new OrleansQueries(await postgres.CreateMigratedDatabaseAsync());
        var grain = new Grain(IdHash: 5, N0: 11, N1: 22, TypeHash: 6, Type: "notification-feed", Extension: null);
        Assert.Equal(1, await WriteAsync(orleans, grain, version: null, [9]));

        Assert.Equal(2, await ClearAsync(orleans, "ClearStorageKey", grain, version: 1));
        await AssertStateAsync(orleans, grain, null, 2);
        Assert.Null(await ClearAsync(orleans, "ClearStorageKey", grain, version: 1));
        Assert.Equal(3, await WriteAsync(orleans, grain, version: 2, [8]));

        Assert.Equal(4, await ClearAsync(orleans, "DeleteStorageKey", grain, version: 3));
        Assert.Null(await ReadAsync(orleans, grain));
        Assert.Equal(1, await WriteAsync(orleans, grain, version: null, [7]));
    }

    private static async Task<int?> WriteAsync(OrleansQueries orleans, Grain grain, int? version, byte[] payload)
    {
        var rows = await orleans.RunAsync(
            "WriteToStorageKey",
            _versionColumn,
            [.. grain.Parameters(), OrleansQueries.Number("GrainStateVersion", version), OrleansQueries.Bytes("PayloadBinary", payload)]);
        return (int?)rows.SingleOrDefault()?[0];
    }

    private static async Task<(byte[]? Payload, int Version)?> ReadAsync(OrleansQueries orleans, Grain grain)
    {
        var rows = await orleans.RunAsync("ReadFromStorageKey", _readColumns, grain.Parameters());
        return rows.SingleOrDefault() is { } row ? ((byte[]?)row[0], (int)row[1]!) : null;
    }

    private static async Task AssertStateAsync(OrleansQueries orleans, Grain grain, byte[]? payload, int version)
    {
        var state = await ReadAsync(orleans, grain);
        Assert.NotNull(state);
        Assert.Equal(payload, state.Value.Payload);
        Assert.Equal(version, state.Value.Version);
    }

    private static async Task<int?> ClearAsync(OrleansQueries orleans, string queryKey, Grain grain, int version)
    {
        var rows = await orleans.RunAsync(
            queryKey, _versionColumn, [.. grain.Parameters(), OrleansQueries.Number("GrainStateVersion", version)]);
        return (int?)rows.SingleOrDefault()?[0];
    }

    private static async Task InsertAsync(string database, string sql, string? keyExtension)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(TestContext.Timeout);
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter<string?>("ext", keyExtension) { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        await command.ExecuteNonQueryAsync(TestContext.Timeout);
    }

    private sealed record Grain(int IdHash, long N0, long N1, int TypeHash, string Type, string? Extension)
    {
        public OrleansQueries.Parameter[] Parameters() =>
        [
            OrleansQueries.Number("GrainIdHash", IdHash),
            OrleansQueries.BigNumber("GrainIdN0", N0),
            OrleansQueries.BigNumber("GrainIdN1", N1),
            OrleansQueries.Number("GrainTypeHash", TypeHash),
            OrleansQueries.Text("GrainTypeString", Type),
            OrleansQueries.Text("GrainIdExtensionString", Extension),
            OrleansQueries.Text("ServiceId", "scoregrains"),
        ];
    }
}
