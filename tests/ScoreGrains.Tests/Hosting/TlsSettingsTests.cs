using Microsoft.Extensions.Hosting;
using ScoreGrains.Client;
using ScoreGrains.Silo.Hosting;
using ScoreGrains.Tests.Infrastructure;

namespace ScoreGrains.Tests.Hosting;

/// <summary>TLS settings that cannot work stop the silo (or the client's registration) at start, naming the setting.</summary>
[Collection(ClusterCollection.Name)]
public sealed class TlsSettingsTests(ClusterFixture fixture) : IDisposable
{
    private readonly TestCertificates _certificates = new();

    [Theory]
    [InlineData("missing certificate file", "CertificatePath", "does not exist")]
    [InlineData("wrong password", "CertificatePassword", "cannot be read")]
    [InlineData("no certificate", "CertificatePath", "is required")]
    [InlineData("missing authority file", "CaCertificatePath", "does not exist")]
    [InlineData("authority file without a certificate", "CaCertificatePath", "holds no PEM certificate")]
    [InlineData("server-only certificate", "CertificatePath", "client authentication")]
    public async Task ATlsSettingThatCannotWorkStopsTheSiloAtStartNamingIt(string fault, string named, string saying)
    {
        var settings = Settings(fault);

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => ScoreGrainsHost.BuildAsync(
        [
            $"--ConnectionStrings:ScoreGrains={fixture.Database.ConnectionString}",
            .. settings.Select(s => $"--ScoreGrains:Cluster:Tls:{s.Key}={s.Value}"),
        ]));

        Assert.Contains($"ScoreGrains:Cluster:Tls:{named}", refused.Message, StringComparison.Ordinal);
        Assert.Contains(saying, refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("missing certificate file", "CertificatePath", "does not exist")]
    [InlineData("wrong password", "CertificatePassword", "cannot be read")]
    [InlineData("missing authority file", "CaCertificatePath", "does not exist")]
    public void AClientTlsSettingThatCannotWorkIsRefusedNamingIt(string fault, string named, string saying)
    {
        var builder = Host.CreateApplicationBuilder();
        foreach (var (key, value) in Settings(fault))
        {
            builder.Configuration[$"ScoreGrains:Client:Tls:{key}"] = value;
        }

        var refused = Assert.Throws<InvalidOperationException>(() => builder.AddScoreGrainsClient());

        Assert.Contains($"ScoreGrains:Client:Tls:{named}", refused.Message, StringComparison.Ordinal);
        Assert.Contains(saying, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMisspeltSiloTlsSettingIsRefusedWithTheSettingsThatExist()
    {
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => ScoreGrainsHost.BuildAsync(
        [
            $"--ConnectionStrings:ScoreGrains={fixture.Database.ConnectionString}",
            "--ScoreGrains:Cluster:Tls:CertificatPath=/etc/silo.pfx",
        ]));

        Assert.Contains("'ScoreGrains:Cluster:Tls:CertificatPath'", refused.Message, StringComparison.Ordinal);
        Assert.Contains("CertificatePath, CertificatePassword, CaCertificatePath", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AMisspeltClientTlsSettingIsRefusedByName()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["ScoreGrains:Client:Tls:CaCertificate"] = "/etc/ca.pem";

        var refused = Assert.Throws<InvalidOperationException>(() => builder.AddScoreGrainsClient());

        Assert.Contains("'CaCertificate'", refused.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _certificates.Dispose();

    /// <summary>Working TLS settings but for <paramref name="fault"/>.</summary>
    private Dictionary<string, string> Settings(string fault)
    {
        var authority = _certificates.Authority("cluster-ca");
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["CertificatePath"] = _certificates.Issue("cluster-ca", "silo"),
            ["CertificatePassword"] = TestCertificates.Password,
            ["CaCertificatePath"] = authority,
        };
        var notThere = Path.Combine(_certificates.Folder, "not-there");
        switch (fault)
        {
            case "missing certificate file":
                settings["CertificatePath"] = notThere + ".pfx";
                break;
            case "wrong password":
                settings["CertificatePassword"] = "not-the-password";
                break;
            case "no certificate":
                settings.Remove("CertificatePath");
                break;
            case "missing authority file":
                settings["CaCertificatePath"] = notThere + ".pem";
                break;
            case "authority file without a certificate":
                settings["CaCertificatePath"] = Path.Combine(_certificates.Folder, "empty.pem");
                File.WriteAllText(settings["CaCertificatePath"], "not a certificate\n");
                break;
            case "server-only certificate":
                settings["CertificatePath"] = _certificates.Issue("cluster-ca", "server-only", TestCertificates.ServerOnly);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(fault), fault, "no such fault");
        }

        return settings;
    }
}
