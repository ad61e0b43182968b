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
        Assert.True(window.MayHaveForgotten(Start.AddMinutes(2)));
        Assert.False(window.MayHaveForgotten(Start.AddMinutes(2).AddTicks(1)));
    }

    [Fact]
    public void NothingIsForgottenBeforeTheRingIsFull()
    {
        var window = new SignalIdWindow();
        window.Add("only", Start, capacity: 8);

        Assert.True(window.Contains("only"));
        Assert.False(window.Contains("other"));
        Assert.False(window.MayHaveForgotten(Start.AddYears(-10)));
    }
}
