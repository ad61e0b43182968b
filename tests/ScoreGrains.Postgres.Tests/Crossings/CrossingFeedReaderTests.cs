using System.Runtime.CompilerServices;
using System.Text.Json;
using Npgsql;
using ScoreGrains.Postgres.Crossings;

namespace ScoreGrains.Postgres.Tests.Crossings;

[Collection(PostgresCollection.Name)]
public sealed class CrossingFeedReaderTests(PostgresServerFixture postgres)
{
    private const int Crossings = 200_000;

    // One filled feed per server for every case here: filling takes seconds, and no case writes to it.
    private static readonly ConditionalWeakTable<PostgresServerFixture, Task<string>> Filled = [];

    // Row g (the sequence, as the feed is filled in order): kind official when g % 500 = 3, company when g % 10 = 1,
    // else citizen; subject citizen/hot when g % 4 = 0 (a quarter of the feed; those rows are all citizens), else
    // kind/(g % 5,000); band restricted when g % 20,000 = 11 (ten rows), watch when g % 400 = 5 (500 rows), else low,
    // fair or good by g % 3.
    private static readonly string Fill = $"""
        INSERT INTO crossings (subject_key, subject_kind, journal_seq, signal_id, signal_type, old_score, new_score,
                               old_band, new_band, model_version, reasons, occurred_at, recorded_at)
        SELECT CASE WHEN g % 4 = 0 THEN 'citizen/hot' ELSE kind || '/' || (g % 5000) END, kind, g, 's' || g, 'bill.paid', 600, 601, 'fair', band, 'test-v1', '[]', now(), now()
        FROM generate_series(1, {Crossings}) g,
             LATERAL (SELECT CASE WHEN g % 500 = 3 THEN 'official' WHEN g % 10 = 1 THEN 'company' ELSE 'citizen' END AS kind,
                             CASE WHEN g % 20000 = 11 THEN 'restricted' WHEN g % 400 = 5 THEN 'watch' ELSE (ARRAY['low', 'fair', 'good'])[1 + g % 3] END AS band) row
        ORDER BY g;
        ANALYZE crossings;
        """;

    public static TheoryData<string, CrossingQuery> Pages => new()
    {
        { "a rare band", new CrossingQuery(0, 100, Bands: ["restricted"]) },
        { "a band with more crossings than the page", new CrossingQuery(0, 10, Bands: ["watch"]) },
        { "a band never entered", new CrossingQuery(0, 100, Bands: ["never"]) },
        { "two bands, from the middle", new CrossingQuery(40_000, 50, Bands: ["restricted", "low"]) },
        { "a band named twice", new CrossingQuery(0, 1_000, Bands: ["low", "restricted", "low"]) },
        { "a rare kind", new CrossingQuery(0, 100, Kind: "official") },
        { "a rare kind into two bands", new CrossingQuery(1_000, 20, Kind: "official", Bands: ["fair", "restricted"]) },
        { "a kind into a band it never entered", new CrossingQuery(0, 20, Kind: "official", Bands: ["restricted"]) },
        { "subjects into a band", new CrossingQuery(0, 100, Subjects: ["citizen/7", "company/11", "official/3"], Bands: ["good", "low"]) },
        { "a subject with most of the feed", new CrossingQuery(0, 100, Subjects: ["citizen/hot"]) },
        { "a busy subject and quiet ones, from the middle", new CrossingQuery(100_000, 50, Subjects: ["citizen/7", "citizen/hot", "company/11"]) },
        { "a subject named twice", new CrossingQuery(0, 20, Subjects: ["citizen/hot", "citizen/7", "citizen/hot"]) },
        { "a subject that never crossed after the position", new CrossingQuery(Crossings - 10, 100, Subjects: ["citizen/7"]) },
        { "a window", new CrossingQuery(100, 1_000, UpTo: 5_000, Bands: ["good"]) },
        { "no filter, the tail", new CrossingQuery(Crossings - 10, 100) },
    };

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task APageHoldsTheFirstCrossingsAfterItsPositionThatMatchItsFilterInSequenceOrder(string page, CrossingQuery query)
    {
        var database = await FilledDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(database);

        var rows = await new CrossingFeedReader(dataSource).ReadAsync(query, TestContext.Timeout);

        var expected = await ExpectedSequencesAsync(database, query);
        Assert.True(expected.Count > 0 || page.Contains("never", StringComparison.Ordinal), $"{page}: the fill has no match, so the case tests nothing");
        Assert.Equal(expected, rows.Select(r => r.Sequence));
        Assert.All(rows, r => Assert.True(
            (query.Kind is null || r.Crossing.SubjectKind == query.Kind) && (query.Bands is null || query.Bands.Contains(r.Crossing.NewBand))
            && (query.Subjects is null || query.Subjects.Contains(r.Crossing.SubjectKey)),
            $"{page}: crossing {r.Sequence} ({r.Crossing.SubjectKey}, {r.Crossing.NewBand}) does not match"));
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task APageReadsAboutAsManyPagesAsItReturnsRowsHoweverRareItsFilter(string page, CrossingQuery query)
    {
        var database = await FilledDatabaseAsync();
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(TestContext.Timeout);
        await using var explain = new NpgsqlCommand(null, connection);
        CrossingFeedReader.WritePageQuery(explain, query);
        explain.CommandText = "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + explain.CommandText;

        using var plan = JsonDocument.Parse((string)(await explain.ExecuteScalarAsync(TestContext.Timeout))!);
        var top = plan.RootElement[0].GetProperty("Plan");
        var rows = top.GetProperty("Actual Rows").GetInt64();
        var buffers = top.GetProperty("Shared Hit Blocks").GetInt64() + top.GetProperty("Shared Read Blocks").GetInt64();

        // Walking the sequence and filtering (no index for the filter), "a band never entered" read all of the feed's
        // ~3,600 pages and "a rare kind" ~1,000; asking for bands with "new_band = ANY(...)", "a band with more
        // crossings than the page" read 75 for 10 rows. Through an index in sequence order a page costs one heap page
        // per row at worst, plus the index's path.
        Assert.True(buffers <= 10 + (2 * rows), $"{page}: {buffers} buffers for {rows} rows\n{plan.RootElement}");
    }

    [Fact]
    public async Task MoreBandsThanAPageMayAskForAreRefused()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateMigratedDatabaseAsync());
        var bands = Enumerable.Range(0, CrossingFeedReader.MaxBands + 1).Select(i => "band" + i).ToList();

        var refused = await Assert.ThrowsAsync<ArgumentException>(
            () => new CrossingFeedReader(dataSource).ReadAsync(new CrossingQuery(0, 10, Bands: bands), TestContext.Timeout));

        Assert.Contains($"at most {CrossingFeedReader.MaxBands}", refused.Message, StringComparison.Ordinal);
    }

    private Task<string> FilledDatabaseAsync() => Filled.GetValue(postgres, static server => FillAsync(server));

    private static async Task<string> FillAsync(PostgresServerFixture server)
    {
        var database = await server.CreateMigratedDatabaseAsync();
        await Sql.ExecuteAsync(database, Fill);
        return database;
    }

    /// <summary>The page by its definition: every filter applied to the whole feed, nothing asked of an index.</summary>
    private static async Task<List<long>> ExpectedSequencesAsync(string database, CrossingQuery query)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(TestContext.Timeout);
        await using var command = new NpgsqlCommand(
            """
            SELECT sequence FROM (SELECT * FROM crossings OFFSET 0) feed
            WHERE sequence > @after AND (@upTo::bigint IS NULL OR sequence <= @upTo) AND (@kind::text IS NULL OR subject_kind = @kind)
              AND (@subjects::text[] IS NULL OR subject_key = ANY(@subjects)) AND (@bands::text[] IS NULL OR new_band = ANY(@bands))
            ORDER BY sequence LIMIT @limit
            """,
            connection);
        command.Parameters.Add(new NpgsqlParameter<long>("after", query.After));
        command.Parameters.Add(new NpgsqlParameter<long?>("upTo", query.UpTo));
        command.Parameters.Add(new NpgsqlParameter<string?>("kind", query.Kind));
        command.Parameters.Add(new NpgsqlParameter<string[]?>("subjects", query.Subjects?.ToArray()));
        command.Parameters.Add(new NpgsqlParameter<string[]?>("bands", query.Bands?.ToArray()));
        command.Parameters.Add(new NpgsqlParameter<int>("limit", query.Limit));
        var sequences = new List<long>();
        await using var reader = await command.ExecuteReaderAsync(TestContext.Timeout);
        while (await reader.ReadAsync(TestContext.Timeout))
        {
            sequences.Add(reader.GetInt64(0));
        }

        return sequences;
    }
}
