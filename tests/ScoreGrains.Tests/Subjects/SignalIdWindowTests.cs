using ScoreGrains.Grains.Subjects;

namespace ScoreGrains.Tests.Subjects;

public sealed class SignalIdWindowTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(4)]
    [InlineData(64)]
    public void RemembersTheLastIdsAndMovesTheHorizonPastEachForgottenOne(int capacity)
    {
        var window = new SignalIdWindow();
        var total = capacity + 3;
        for (var i = 0; i < total; i++)
        {
            window.Add($"s{i}", Start.AddMinutes(i), capacity);
        }

        Assert.All(Enumerable.Range(0, 3), i => Assert.False(window.Contains($"s{i}")));
        Assert.All(Enumerable.Range(3, capacity), i => Assert.True(window.Contains($"s{i}")));
        Assert.Equal(Start.AddMinutes(2).UtcTicks, window.HorizonTicks);
        Assert.True(window.MayHaveForgotten("s2", Start.AddMinutes(2)));
    }

    [Fact]
    public void AfterTheRingOverflowsEveryIdEverAddedMayHaveBeenSeenAndNewIdsAlmostNever()
    {
        const int Added = 20_000;
        var window = new SignalIdWindow();
        for (var i = 0; i < Added; i++)
        {
            window.Add($"seen-{i}", Start.AddSeconds(i), capacity: 16);
        }

        // No false negative across the filter's growth: every forgotten id, whenever it occurred, asks the journal.
        Assert.All(Enumerable.Range(0, Added - 16), i => Assert.True(window.MayHaveForgotten($"seen-{i}", Start.AddYears(1))));

        // New ids, including late ones (long before the horizon), are known new without the journal but for < 1%.
        var falsePositives = Enumerable.Range(0, 10_000).Count(i => window.MayHaveForgotten($"new-{i}", Start.AddYears(-1)));
        Assert.InRange(falsePositives, 0, 100);
        Assert.True(window.Seen!.Stages.Sum(s => s.Length) < Added * 2, "under 2 bytes per id");
    }

    [Fact]
    public void TheFilterSurvivesTheSnapshotRoundTrip()
    {
        var window = new SignalIdWindow();
        for (var i = 0; i < 3_000; i++)
        {
            window.Add($"seen-{i}", Start.AddSeconds(i), capacity: 8);
        }

        var copy = System.Text.Json.JsonSerializer.Deserialize<SignalIdWindow>(System.Text.Json.JsonSerializer.Serialize(window))!;

        Assert.All(Enumerable.Range(0, 2_990), i => Assert.True(copy.MayHaveForgotten($"seen-{i}", Start)));
        Assert.Equal(
            Enumerable.Range(0, 1_000).Select(i => window.MayHaveForgotten($"new-{i}", Start)),
            Enumerable.Range(0, 1_000).Select(i => copy.MayHaveForgotten($"new-{i}", Start)));
    }

    [Fact]
    public void TheRingSurvivesTheSnapshotRoundTripAndKeepsEvictingTheOldest()
    {
        var window = new SignalIdWindow();
        for (var i = 0; i < 10; i++)
        {
            window.Add($"s{i}", Start.AddMinutes(i), capacity: 8);
        }

        var json = System.Text.Json.JsonSerializer.Serialize(window);
        var copy = System.Text.Json.JsonSerializer.Deserialize<SignalIdWindow>(json)!;
        copy.Add("s10", Start.AddMinutes(10), capacity: 8);

        Assert.DoesNotContain("s0", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\"Recent\"", json, StringComparison.Ordinal);
        Assert.All(Enumerable.Range(0, 3), i => Assert.False(copy.Contains($"s{i}")));
        Assert.All(Enumerable.Range(3, 8), i => Assert.True(copy.Contains($"s{i}")));
        Assert.Equal(Start.AddMinutes(2).UtcTicks, copy.HorizonTicks);
    }

    [Fact]
    public void ASnapshotThatStoredTheIdsThemselvesStillAnswers()
    {
        // The shape written before the ring kept hashes: the ids in "Recent", and a filter of version 0.
        var legacyFilter = new SignalIdFilter();
        foreach (var id in new[] { "old-1", "old-2", "a", "b" })
        {
            legacyFilter.Add(id, default);
        }

        var filterJson = System.Text.Json.JsonSerializer.Serialize(legacyFilter).Replace(",\"Version\":0", "", StringComparison.Ordinal);
        var json = $$"""
            {"Recent":[{"SignalId":"a","OccurredTicks":{{Start.UtcTicks}}},{"SignalId":"b","OccurredTicks":{{Start.AddMinutes(1).UtcTicks}}}],
             "Next":0,"HorizonTicks":{{Start.AddMinutes(-1).UtcTicks}},"Seen":{{filterJson}}}
            """;
        var window = System.Text.Json.JsonSerializer.Deserialize<SignalIdWindow>(json)!;

        Assert.Equal(0, window.Seen!.Version);
        Assert.True(window.Contains("a"));
        Assert.True(window.Contains("b"));
        Assert.False(window.Contains("c"));
        Assert.True(window.MayHaveForgotten("old-1", Start));
        Assert.True(window.MayHaveForgotten("old-2", Start));

        // It goes on as before: "a" leaves the ring, the old filter takes the new id, and both still answer.
        window.Add("c", Start.AddMinutes(2), capacity: 2);
        Assert.False(window.Contains("a"));
        Assert.True(window.Contains("c"));
        Assert.Equal(Start.UtcTicks, window.HorizonTicks);
        Assert.True(window.MayHaveForgotten("a", Start.AddYears(1)));
        Assert.True(window.MayHaveForgotten("c", Start.AddYears(1)));
    }

    [Fact]
    public void ASnapshotFromBeforeTheFilterFallsBackToTheHorizon()
    {
        var window = new SignalIdWindow { HorizonTicks = Start.UtcTicks };

        Assert.True(window.MayHaveForgotten("any", Start));
        Assert.False(window.MayHaveForgotten("any", Start.AddTicks(1)));
        Assert.True(window.MayHaveForgotten("any", Start.AddTicks(1), anyTime: true));
    }

    [Fact]
    public void AFullRingFindsExactlyItsIdsThoughTheirTagsCollideAndAfterItWraps()
    {
        // 256 one-byte tags over 256 slots: almost every other id shares a tag with some slot, so only the full hash
        // can tell them apart; overwritten slots must take their new id's tag.
        const int Capacity = 256;
        var window = new SignalIdWindow();
        for (var i = 0; i < Capacity + 100; i++)
        {
            window.Add($"s{i}", Start.AddSeconds(i), Capacity);
        }

        Assert.All(Enumerable.Range(0, 100), i => Assert.False(window.Contains($"s{i}")));
        Assert.All(Enumerable.Range(100, Capacity), i => Assert.True(window.Contains($"s{i}")));
        Assert.Equal(0, Enumerable.Range(0, 10_000).Count(i => window.Contains($"other-{i}")));
    }

    [Fact]
    public void NothingIsForgottenBeforeTheRingIsFull()
    {
        var window = new SignalIdWindow();
        window.Add("only", Start, capacity: 8);

        Assert.True(window.Contains("only"));
        Assert.False(window.Contains("other"));
        Assert.False(window.MayHaveForgotten("other", Start.AddYears(-10)));
    }
}

/// <summary>The window's calls by id, hashing it as the subject grain does once per signal.</summary>
file static class WindowById
{
    public static bool Contains(this SignalIdWindow window, string signalId) => window.Contains(SignalIdWindow.Hash(signalId));

    public static bool MayHaveForgotten(this SignalIdWindow window, string signalId, DateTimeOffset occurredAt, bool anyTime = false) =>
        window.MayHaveForgotten(signalId, SignalIdWindow.Hash(signalId), occurredAt, anyTime);

    public static void Add(this SignalIdWindow window, string signalId, DateTimeOffset occurredAt, int capacity) =>
        window.Add(signalId, SignalIdWindow.Hash(signalId), occurredAt, capacity);
}
