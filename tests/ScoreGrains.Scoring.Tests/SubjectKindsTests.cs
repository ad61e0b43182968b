namespace ScoreGrains.Scoring.Tests;

public sealed class SubjectKindsTests
{
    [Theory]
    [InlineData("citizen", SubjectKind.Citizen)]
    [InlineData("COMPANY", SubjectKind.Company)]
    [InlineData("Official", SubjectKind.Official)]
    public void KindsParseCaseInsensitively(string text, SubjectKind expected)
    {
        Assert.True(SubjectKinds.TryParse(text, out var kind));
        Assert.Equal(expected, kind);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("1")]
    [InlineData("0")]
    [InlineData("Citizen ")]
    [InlineData(" citizen")]
    [InlineData("c\u0131tizen")] // dotless i upper-cases to I: must not sneak through
    [InlineData("citizens")]
    public void AnythingElseIsRejected(string? text)
    {
        Assert.False(SubjectKinds.TryParse(text, out _));
    }

    [Fact]
    public void KeysRoundTripForEveryKind()
    {
        foreach (var kind in Enum.GetValues<SubjectKind>())
        {
            Assert.True(SubjectKinds.TryParse(SubjectKinds.ToKey(kind), out var parsed));
            Assert.Equal(kind, parsed);
        }
    }
}
