using ScoreGrains.LoadTest.Options;

namespace ScoreGrains.LoadTest.Tests;

/// <summary>The options that aim the tool at several silos, and the cluster scenarios' own bounds.</summary>
public sealed class ClusterOptionsTests
{
    [Fact]
    public void UrlCanBeGivenOncePerSilo()
    {
        var options = OptionsParser.Parse(["--target", "http", "--url", "http://127.0.0.1:5081", "--url", "http://127.0.0.1:5082"]);

        Assert.Equal([new Uri("http://127.0.0.1:5081"), new Uri("http://127.0.0.1:5082")], options.Urls);
    }

    [Fact]
    public void EveryUrlMustBeLoopbackNotOnlyTheFirst()
    {
        var error = Assert.Throws<OptionsException>(() =>
            OptionsParser.Parse(["--target", "http", "--url", "http://127.0.0.1:5081", "--url", "http://10.0.0.5:5080"]));

        Assert.Contains("10.0.0.5", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheKillScenarioRetriesAndKillsWithinItsRun()
    {
        var options = OptionsParser.Parse(["--scenario", "cluster-kill"]);

        Assert.Equal(RunMode.ClusterKill, options.Mode);
        Assert.True(options.RetryFor > TimeSpan.Zero);
        Assert.InRange(options.KillAt, TimeSpan.FromTicks(1), options.Duration);
    }

    [Theory]
    [InlineData("--kill-at", "90s")]
    [InlineData("--retry-for", "0s")]
    [InlineData("--silos", "1")]
    public void AKillThatCannotHappenOrCannotBeRiddenOutIsRefused(string option, string value)
    {
        Assert.Throws<OptionsException>(() => OptionsParser.Parse(["--scenario", "cluster-kill", option, value]));
    }

    [Fact]
    public void TheScoresCheckIsRefusedWithRetriesBecauseADuplicateDoesNotSayWhereTheSignalWasApplied()
    {
        var error = Assert.Throws<OptionsException>(() => OptionsParser.Parse(["--scenario", "http", "--retry-for", "10s"]));

        Assert.Contains("cluster-kill", error.Message, StringComparison.Ordinal);
    }
}
