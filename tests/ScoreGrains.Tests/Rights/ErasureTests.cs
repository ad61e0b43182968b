using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using ScoreGrains.Contracts;
using ScoreGrains.Postgres.Rights;
using ScoreGrains.Tests.Infrastructure;

namespace ScoreGrains.Tests.Rights;

/// <summary>Erasure (GDPR Art. 17) over HTTP against the real silo process, checked in every table of the database.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ErasureTests(ClusterFixture fixture) : SiloHttpTest(fixture)
{
    [Fact]
    public async Task AfterErasureNoEndpointAndNoTableHoldsTheSubjectAndATombstoneRecordsIt()
    {
        var id = Signals.NewId();
        var signals = new[]
        {
            Signals.For("citizen", id, "court.judgment_defaulted", occurredAt: Signals.Now.AddDays(-5)),
            Signals.For("citizen", id, "loan.defaulted", occurredAt: Signals.Now.AddDays(-4)),
            Signals.For("citizen", id, "bill.paid", occurredAt: Signals.Now.AddDays(-3)),
        };
        await PostAsync(signals, expectApplied: 3);
        using (var crossed = await Http.GetAsync($"/v1/subjects/citizen/{id}/export"))
        {
            var export = await crossed.Content.ReadFromJsonAsync<JsonElement>();
            Assert.NotEmpty(export.GetProperty("crossings").EnumerateArray()); // so the crossing's anonymisation is tested
        }

        // A dispute in the subject's own words (it names the subject too): erased with the rest.
        using (var dispute = await Http.PostAsJsonAsync($"/v1/subjects/citizen/{id}/disputes", new { signalId = signals[1].SignalId, reason = $"I, {id}, repaid that loan." }))
        {
            Assert.Equal(HttpStatusCode.Created, dispute.StatusCode);
        }

        using (var exported = await Http.GetAsync($"/v1/subjects/citizen/{id}/export"))
        {
            var export = await exported.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(signals[1].SignalId, Assert.Single(export.GetProperty("disputes").EnumerateArray()).GetProperty("signalId").GetString());
        }

        using var erase = await Http.DeleteAsync($"/v1/subjects/citizen/{id}");
        var receipt = await erase.Content.ReadFromJsonAsync<ErasureReceipt>(ApiJson.Options);

        Assert.Equal(HttpStatusCode.OK, erase.StatusCode);
        Assert.Equal((true, 3L, SubjectEraser.KeyHash($"citizen/{id}")), (receipt!.Erased, receipt.JournalRows, receipt.KeySha256));
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync($"/v1/subjects/citizen/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync($"/v1/subjects/citizen/{id}/export")).StatusCode);
        var history = await Http.GetFromJsonAsync<JsonElement>($"/v1/subjects/citizen/{id}/history");
        Assert.Empty(history.GetProperty("entries").EnumerateArray());
        var disputes = await Http.GetFromJsonAsync<JsonElement>($"/v1/subjects/citizen/{id}/disputes");
        Assert.Empty(disputes.GetProperty("disputes").EnumerateArray());
        Assert.Equal(HttpStatusCode.NotFound, (await Http.DeleteAsync($"/v1/subjects/citizen/{id}")).StatusCode);

        Assert.Empty(await TablesHoldingAsync(id));
        Assert.Equal(1L, await ScalarAsync("SELECT count(*) FROM subject_erasures WHERE key_sha256 = $1 AND journal_rows = 3", receipt.KeySha256));

        // A signal whose id was erased is new to the subject: nothing remembers it.
        await PostAsync([signals[0]], expectApplied: 1);
        var reborn = await Http.GetFromJsonAsync<SubjectScore>($"/v1/subjects/citizen/{id}", ApiJson.Options);
        Assert.Equal(1, reborn!.SignalCount);
    }

    [Fact]
    public async Task ErasingASubjectNeverSeenIsA404AndLeavesNoTombstone()
    {
        var id = Signals.NewId();

        using var erase = await Http.DeleteAsync($"/v1/subjects/company/{id}");

        Assert.Equal(HttpStatusCode.NotFound, erase.StatusCode);
        Assert.Equal(0L, await ScalarAsync("SELECT count(*) FROM subject_erasures WHERE key_sha256 = $1", SubjectEraser.KeyHash($"company/{id}")));
    }

    /// <summary>Every table of the database whose rows, as text (bytea as escaped text too), mention <paramref name="id"/>.</summary>
    private async Task<List<string>> TablesHoldingAsync(string id)
    {
        await using var dataSource = NpgsqlDataSource.Create(Fixture.Database.ConnectionString);
        var tables = new List<string>();
        await using (var list = dataSource.CreateCommand(
            "SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) FROM information_schema.tables WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')"))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        Assert.Contains(tables, t => t.EndsWith("signal_journal_p00", StringComparison.Ordinal));
        var holding = new List<string>();
        foreach (var table in tables)
        {
            await using var count = dataSource.CreateCommand($"SELECT count(*) FROM {table} t WHERE position($1 in t::text) > 0");
            count.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id });
            if ((long)(await count.ExecuteScalarAsync())! > 0)
            {
                holding.Add(table);
            }
        }

        var payloads = (long)(await ScalarAsync("SELECT count(*) FROM orleansstorage WHERE position($1 in encode(coalesce(payloadbinary, ''::bytea), 'escape')) > 0", id));
        if (payloads > 0)
        {
            holding.Add("orleansstorage.payloadbinary");
        }

        return holding;
    }

    private async Task<object> ScalarAsync(string sql, string value)
    {
        await using var dataSource = NpgsqlDataSource.Create(Fixture.Database.ConnectionString);
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = value });
        return (await command.ExecuteScalarAsync())!;
    }

    private async Task PostAsync(IReadOnlyList<SignalInput> signals, int expectApplied)
    {
        using var response = await Http.PostAsJsonAsync("/v1/signals", signals, ApiJson.Options);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(expectApplied, body.GetProperty("applied").GetInt32());
    }
}
