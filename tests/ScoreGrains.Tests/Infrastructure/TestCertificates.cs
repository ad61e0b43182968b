using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ScoreGrains.Tests.Infrastructure;

/// <summary>
/// Certificate authorities and the certificates they issue, made in the test (ECDSA P-256, valid for a day) and
/// written to a temporary folder as the silo and the client read them: PEM for an authority, PKCS#12 for a
/// certificate with its key. The folder is deleted on dispose.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    public const string Password = "test-only-password";

    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    private readonly Dictionary<string, X509Certificate2> _authorities = new(StringComparer.Ordinal);

    public string Folder { get; } = Directory.CreateTempSubdirectory("scoregrains-tls-").FullName;

    /// <summary>Makes the authority <paramref name="name"/> and returns the path of its PEM file (for <c>CaCertificatePath</c>).</summary>
    public string Authority(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        var authority = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        _authorities.Add(name, authority);

        var path = Path.Combine(Folder, $"{name}.pem");
        File.WriteAllText(path, authority.ExportCertificatePem());
        return path;
    }

    /// <summary>
    /// A certificate for <paramref name="subject"/> issued by the authority <paramref name="authority"/> (made
    /// before), for server and client authentication unless <paramref name="usages"/> says otherwise; returns the
    /// path of its PKCS#12 file, protected with <see cref="Password"/>.
    /// </summary>
    public string Issue(string authority, string subject, params Oid[] usages)
    {
        var issuer = _authorities[authority];
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={subject}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [.. usages.Length > 0 ? usages : [ServerAuthentication, ClientAuthentication]], critical: false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, includeKeyIdentifier: true, includeIssuerAndSerial: false));

        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F; // a positive serial number
        using var issued = request.Create(issuer, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(12), serial);
        using var withKey = issued.CopyWithPrivateKey(key);

        var path = Path.Combine(Folder, $"{subject}.pfx");
        File.WriteAllBytes(path, withKey.Export(X509ContentType.Pfx, Password));
        return path;
    }

    /// <summary>Only the server-authentication usage: a certificate a silo cannot dial other silos with.</summary>
    public static Oid ServerOnly => ServerAuthentication;

    public void Dispose()
    {
        foreach (var authority in _authorities.Values)
        {
            authority.Dispose();
        }

        Directory.Delete(Folder, recursive: true);
    }
}
