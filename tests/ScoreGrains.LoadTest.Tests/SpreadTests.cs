using ScoreGrains.LoadTest.Generation;
using ScoreGrains.LoadTest.Options;
using ScoreGrains.LoadTest.Spread;

namespace ScoreGrains.LoadTest.Tests;

/// <summary>The spread scenario's options, its uniform subjects, and the silo figures it reads from <c>/metrics</c>.</summary>
public sealed class SpreadTests
{
    [Fact]
    public void UniformSubjectsFallEvenlyOverTheWholeSpace()
    {
        const long subjects = 1_000_000;
        const int buckets = 20;
        const int draws = 200_000;
        var picker = new UniformPicker(subjects);
        var random = new Random(42);
        var counts = new int[buckets];
        for (var i = 0; i < draws; i++)
        {
            counts[picker.Next(random) * buckets / subjects]++;
        }

        // Chi-square with 19 degrees of freedom: 43.8 is its 0.1% tail. Seeded, so the figure is the same every run.
        var expected = (double)draws / buckets;
        var chiSquare = counts.Sum(c => (c - expected) * (c - expected) / expected);
        Assert.InRange(chiSquare, 0, 43.8);
    }

    [Theory]
    [InlineData(1L)]
    [InlineData(3L)]
    [InlineData(3_000L)]
    [InlineData(10_000_000L)]
    public void UniformSubjectsStayWithinTheSpace(long subjects)
    {
        var picker = new UniformPicker(subjects);
        var random = new Random(7);

        var picked = Enumerable.Range(0, 10_000).Select(_ => picker.Next(random)).ToList();

        Assert.All(picked, index => Assert.InRange(index, 0, subjects - 1));
        if (subjects <= 10)
        {
            Assert.Equal(subjects, picked.Distinct().Count());
        }
        else
        {
            // Both ends of the space are reached: the last subjects (here the officials) as often as the first.
            Assert.InRange(picked.Min(), 0, subjects / 100);
            Assert.InRange(picked.Max(), subjects - (subjects / 100) - 1, subjects - 1);
        }
    }

    [Fact]
    public void TheSameSeedPicksTheSameSubjects()
    {
        var picker = new UniformPicker(1_000_000);
        var first = new Random(42);
        var second = new Random(42);

        Assert.Equal(
            Enumerable.Range(0, 1_000).Select(_ => picker.Next(first)),
            Enumerable.Range(0, 1_000).Select(_ => picker.Next(second)));
    }

    [Fact]
    public void ABatchOf500OverAMillionSubjectsGoesToNearly500Subjects()
    {
        var picker = new UniformPicker(1_000_000);
        var random = new Random(42);

        var distinct = Enumerable.Range(0, 500).Select(_ => picker.Next(random)).Distinct().Count();

        // Expected repeats are 500 * 499 / 2 / 1M = 0.12: spread traffic, as a tax office's nightly run sends it.
        Assert.InRange(distinct, 495, 500);
    }

    [Fact]
    public void TheSpreadScenarioIsBoundedClosedLoopInBatchesOf500OverAMillionAndThreeThousandSubjects()
    {
        var options = OptionsParser.Parse(["--scenario", "spread"]);

        Assert.Equal(RunMode.Spread, options.Mode);
        Assert.Equal(1_000_000, options.Subjects);
        Assert.Equal(3_000, options.SpreadFew);
        Assert.Equal(SkewKind.Uniform, options.Skew);
        Assert.Equal(500, options.BatchSize);
        Assert.Equal(0, options.Rate);
        Assert.Equal(16, options.MaxInFlight);
        Assert.Equal(["http", "inprocess"], options.SpreadTargets);
        Assert.Empty(options.Urls);
        // Two targets of two stages each, every stage this long: a couple of minutes with the silos' start.
        Assert.Equal(TimeSpan.FromSeconds(20), options.StepDuration);
        Assert.InRange(options.Duration, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(10));
    }

    [Fact]
    public void TheSpreadScenarioTakesTenMillionSubjectsButNoMore()
    {
        Assert.Equal(10_000_000, OptionsParser.Parse(["--scenario", "spread", "--subjects", "10000000"]).Subjects);
        Assert.Equal(10_000_000, OptionsParser.Parse(["--scenario", "spread", "--subjects", "10m"]).Subjects);
        Assert.Throws<OptionsException>(() => OptionsParser.Parse(["--scenario", "spread", "--subjects", "10000001"]));
    }

    [Fact]
    public void TheSpreadScenarioCanAimAtARunningSiloOnLoopbackOnly()
    {
        var options = OptionsParser.Parse(["--scenario", "spread", "--url", "http://127.0.0.1:5080", "--spread-targets", "http"]);

        Assert.Equal([new Uri("http://127.0.0.1:5080")], options.Urls);
        Assert.Equal(["http"], options.SpreadTargets);
        Assert.Throws<OptionsException>(() => OptionsParser.Parse(["--scenario", "spread", "--url", "http://10.1.2.3:5080"]));
    }

    [Theory]
    [InlineData("--spread-targets", "client")]
    [InlineData("--spread-few", "0")]
    [InlineData("--connection-string", "Host=127.0.0.1")]
    [InlineData("--step-duration", "0s")]
    [InlineData("--spread-few-duration", "0s")]
    public void ASpreadThatCannotRunAsAskedIsRefused(string option, string value)
    {
        Assert.Throws<OptionsException>(() => OptionsParser.Parse(["--scenario", "spread", option, value]));
    }

    [Fact]
    public void TheFewSubjectsStageRunsAsLongAsTheStepUnlessGivenItsOwnDuration()
    {
        Assert.Null(OptionsParser.Parse(["--scenario", "spread"]).SpreadFewDuration);
        Assert.Equal(TimeSpan.FromSeconds(30), OptionsParser.Parse(["--scenario", "spread", "--spread-few-duration", "30s"]).SpreadFewDuration);
    }

    [Fact]
    public void TheJournalBenchmarkRunsSpreadTrafficBesideZipfUnlessTurnedOff()
    {
        var options = OptionsParser.Parse(["--scenario", "journal-vs-baseline"]);

        Assert.Equal(SkewKind.Zipf, options.Skew);
        Assert.Equal(1_000_000, options.SpreadSubjects);
        Assert.Equal(3_000, options.SpreadFew);
        Assert.Equal(0, OptionsParser.Parse(["--scenario", "journal-vs-baseline", "--spread-subjects", "0"]).SpreadSubjects);
    }

    [Fact]
    public void SiloFiguresAreSummedOverTheirLabelsFromTheScrape()
    {
        const string scrape = """
            # HELP dotnet_process_cpu_time_seconds_total CPU time used by the process.
            # TYPE dotnet_process_cpu_time_seconds_total counter
            dotnet_process_cpu_time_seconds_total{otel_scope_name="System.Runtime",cpu_mode="user"} 1.5
            dotnet_process_cpu_time_seconds_total{otel_scope_name="System.Runtime",cpu_mode="system"} 0.25
            orleans_catalog_activation_created_total{otel_scope_name="Microsoft.Orleans",grain_type="ingest"} 2
            orleans_catalog_activation_created_total{otel_scope_name="Microsoft.Orleans",grain_type="subject"} 3000
            orleans_catalog_activation_latency_milliseconds_bucket{grain_type="subject",status="success",le="50"} 2900
            orleans_catalog_activation_latency_milliseconds_sum{grain_type="subject",status="success"} 60000
            orleans_catalog_activation_latency_milliseconds_count{grain_type="subject",status="success"} 3000
            scoregrains_subjects_active{otel_scope_name="ScoreGrains",kind="citizen",band="fair"} 2400
            scoregrains_subjects_active{otel_scope_name="ScoreGrains",kind="company",band="B"} 600
            dotnet_gc_last_collection_heap_size_bytes{gc_heap_generation="gen0"} 1000
            dotnet_gc_last_collection_heap_size_bytes{gc_heap_generation="gen2"} 5000 1733550000000
            """;

        var reading = SiloMetrics.Parse(0, scrape);

        Assert.Equal(1.75, reading.CpuSeconds);
        Assert.Equal(3000, reading.SubjectActivations);
        Assert.Equal(3000, reading.SubjectsActive);
        Assert.Equal(6000, reading.HeapBytes);
        Assert.Equal(60000, reading.ActivationMilliseconds);
        Assert.Equal(3000, reading.ActivationCount);
    }

    [Fact]
    public void AFigureTheSiloDoesNotExposeIsMissingNotZero()
    {
        Assert.Null(PrometheusText.Sum("dotnet_gc_collections_total{gc_heap_generation=\"gen2\"} 3\n", "scoregrains_subjects_active"));
        Assert.Null(SiloMetrics.Parse(0, "").HeapBytes);
    }
}
