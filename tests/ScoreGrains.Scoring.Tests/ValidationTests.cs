namespace ScoreGrains.Scoring.Tests;

public sealed class ValidationTests
{
    private static readonly DateTimeOffset Now = TestModel.T0.AddDays(1);

    [Theory]
    [InlineData("", "good", null, 0, "signalId", "required")]
    [InlineData(" ", "good", null, 0, "signalId", "required")]
    [InlineData("$retraction:x", "good", null, 0, "signalId", "reserved")]
    [InlineData("id", "", null, 0, "type", "required")]
    [InlineData("id", "nope", null, 0, "type", "unknown_type")]
    [InlineData("id", "Good", null, 0, "type", "unknown_type")]
    [InlineData("id", "hours", null, 0, "value", "required")]
    [InlineData("id", "hours", double.NaN, 0, "value", "not_finite")]
    [InlineData("id", "hours", double.PositiveInfinity, 0, "value", "not_finite")]
    [InlineData("id", "good", double.NegativeInfinity, 0, "value", "not_finite")]
    [InlineData("id", "hours", 100.000001, 0, "value", "out_of_range")]
    [InlineData("id", "hours", -0.5, 0, "value", "out_of_range")]
    [InlineData("id", "good", null, 5.01, "occurredAt", "in_future")]
    [InlineData("id", "good", null, -30_000_000, "occurredAt", "before_epoch")]
    public void EachBadInputIsRejectedNamingItsField(string id, string type, double? value, double minutesFromNow, string field, string code)
    {
        var rejection = ScoringEngine.Validate(TestModel.Model, new ScoringSignal(id, type, value, Now.AddMinutes(minutesFromNow)), Now);

        Assert.NotNull(rejection);
        Assert.Equal((field, code), (rejection.Field, rejection.Code));
        Assert.False(string.IsNullOrWhiteSpace(rejection.Message));
    }

    [Fact]
    public void AnOverlongSignalIdIsRejected()
    {
        var signal = new ScoringSignal(new string('x', ScoringEngine.MaxSignalIdLength + 1), "good", null, TestModel.T0);

        Assert.Equal("too_long", ScoringEngine.Validate(TestModel.Model, signal, Now)?.Code);
    }

    [Theory]
    [InlineData("good", null, -60)]
    [InlineData("good", 3.5, 0)] // a value the rule does not use is ignored
    [InlineData("hours", 0.0, 0)]
    [InlineData("hours", 100.0, 0)]
    [InlineData("good", null, 5)] // exactly the allowed clock skew
    public void GoodInputIsAccepted(string type, double? value, double minutesFromNow)
    {
        Assert.Null(ScoringEngine.Validate(TestModel.Model, new ScoringSignal("id", type, value, Now.AddMinutes(minutesFromNow)), Now));
    }

    [Fact]
    public void ApplyRefusesASignalThatWouldNotValidate()
    {
        var sheet = ScoreSheet.Start(TestModel.Model);

        Assert.Throws<ArgumentException>(() => ScoringEngine.Apply(TestModel.Model, sheet, TestModel.Signal("hours", 0, double.NaN)));
        Assert.Equal(500, sheet.Score);
    }

    [Fact]
    public void ApplyRefusesASheetFromAnotherModelVersion()
    {
        var sheet = ScoreSheet.Start(DefaultModels.Catalog.For(SubjectKind.Citizen));

        Assert.Throws<InvalidOperationException>(() => ScoringEngine.Apply(TestModel.Model, sheet, TestModel.Signal("good", 0)));
    }
}
