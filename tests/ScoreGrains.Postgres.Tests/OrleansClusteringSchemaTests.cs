namespace ScoreGrains.Postgres.Tests;

/// <summary>The membership schema against the 10.x AdoNet clustering contract.</summary>
[Collection(PostgresCollection.Name)]
public sealed class OrleansClusteringSchemaTests(PostgresServerFixture postgres)
{
    private static readonly string[] _single = ["row_count"];
    private static readonly string[] _member = ["DeploymentId", "Address", "Port", "Generation", "SiloName", "Status", "StartTime", "IAmAliveTime", "Version"];
    private static readonly string[] _gateway = ["Address", "ProxyPort", "Generation"];

    [Fact]
    public async Task ASiloJoinsIsReadBackAndBecomesAGateway()
    {
        var orleans = new OrleansQueries(await postgres.CreateMigratedDatabaseAsync());
        var cluster = OrleansQueries.Text("DeploymentId", "scoregrains-test");
        var startTime = new DateTime(2026, 1, 2, 3, 4, 5, 678, DateTimeKind.Utc);
        var silo = new[] { OrleansQueries.Text("Address", "10.0.0.7"), OrleansQueries.Number("Port", 11111), OrleansQueries.Number("Generation", 42) };

        Assert.Equal(1, Single(await orleans.RunAsync("InsertMembershipVersionKey", _single, cluster)));
        Assert.Equal(0, Single(await orleans.RunAsync("InsertMembershipVersionKey", _single, cluster)));

        OrleansQueries.Parameter[] join =
        [
            cluster, .. silo,
            OrleansQueries.Text("SiloName", "silo-1"),
            OrleansQueries.Text("HostName", "host-1"),
            OrleansQueries.Number("Status", 3),
            OrleansQueries.Number("ProxyPort", 30000),
            OrleansQueries.Time("StartTime", startTime),
            OrleansQueries.Time("IAmAliveTime", startTime),
            OrleansQueries.Number("Version", 0),
        ];
        Assert.Equal(1, Single(await orleans.RunAsync("InsertMembershipKey", _single, join)));

        // The etag moved on: a second insert with the old one is refused and leaves the version alone.
        Assert.Equal(0, Single(await orleans.RunAsync("InsertMembershipKey", _single, join)));

        var all = await orleans.RunAsync("MembershipReadAllKey", _member, cluster);
        var row = Assert.Single(all);
        Assert.Equal("10.0.0.7", row[1]);
        Assert.Equal("silo-1", row[4]);
        Assert.Equal(startTime, ((DateTime)row[6]!).ToUniversalTime());
        Assert.Equal(1, row[8]);

        await orleans.RunAsync(
            "UpdateIAmAlivetimeKey", [], [cluster, .. silo, OrleansQueries.Time("IAmAliveTime", startTime.AddMinutes(1))]);
        var one = Assert.Single(await orleans.RunAsync("MembershipReadRowKey", _member, [cluster, .. silo]));
        Assert.Equal(startTime.AddMinutes(1), ((DateTime)one[7]!).ToUniversalTime());

        var gateway = Assert.Single(await orleans.RunAsync("GatewaysQueryKey", _gateway, cluster, OrleansQueries.Number("Status", 3)));
        Assert.Equal(30000, gateway[1]);
    }

    private static int Single(List<object?[]> rows) => Convert.ToInt32(Assert.Single(rows)[0], System.Globalization.CultureInfo.InvariantCulture);
}
