using Microsoft.Extensions.Configuration;
using ScoreGrains.Silo.Security;

namespace ScoreGrains.Tests.Security;

/// <summary><c>--new-key NAME ROLES</c>: the lines it prints admit exactly the key it prints, and bad arguments are refused.</summary>
public sealed class NewKeyCommandTests
{
    [Fact]
    public void ThePrintedSettingsAdmitThePrintedKeyWithItsRoles()
    {
        var (code, output, _) = Run("--new-key", "tax_office", "producer,reader");

        Assert.Equal(0, code);
        var lines = output.Split('\n', StringSplitOptions.TrimEntries);
        var key = Assert.Single(lines, l => l.StartsWith("sg_", StringComparison.Ordinal));
        var settings = lines.Where(l => l.StartsWith("ScoreGrains__", StringComparison.Ordinal))
            .Select(l => l.Split('=', 2))
            .ToDictionary(p => p[0].Replace("__", ":"), p => (string?)p[1]);
        Assert.DoesNotContain(settings.Values, v => v!.Contains(key, StringComparison.Ordinal));
        var options = new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection(SecurityOptions.Section).Get<SecurityOptions>()!;

        var found = new ApiKeys(options).Find(key);

        Assert.NotNull(found);
        Assert.Equal("tax_office", found.Name);
        Assert.Equal([Roles.Producer, Roles.Reader], found.Roles);
        Assert.Null(new ApiKeys(options).Find(key + "x"));
    }

    [Fact]
    public void EachRunMakesADifferentKey()
    {
        var first = Run("--new-key", "a", "reader").Output;
        var second = Run("--new-key", "a", "reader").Output;

        Assert.NotEqual(first, second);
    }

    [Theory]
    [InlineData(new[] { "--new-key" }, "usage: --new-key NAME ROLE")]
    [InlineData(new[] { "--new-key", "bad-name", "reader" }, "the name 'bad-name'")]
    [InlineData(new[] { "--new-key", "ok", "reader,root" }, "not 'root'")]
    [InlineData(new[] { "--new-key", "ok", "," }, "roles are producer, reader, admin")]
    public void BadArgumentsExitWithTwoAndSayWhy(string[] args, string message)
    {
        var (code, output, error) = Run(args);

        Assert.Equal(2, code);
        Assert.Empty(output);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutTheOptionTheSiloStarts() => Assert.Null(Run("--urls=http://127.0.0.1:5080").Code);

    private static (int? Code, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = NewKeyCommand.TryRun(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
