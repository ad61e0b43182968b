using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Orleans.Connections.Security;

namespace ScoreGrains.Tls;

/// <summary>
/// One end of the cluster's mutual TLS: the certificate it presents (a PKCS#12 file with its private key) and the
/// authorities whose certificates it accepts from the other end (a PEM file). The silo and the .NET client both use
/// it; the silo compiles this file in as a link, as neither project references the other.
/// </summary>
/// <remarks>
/// The trust model: a peer is accepted when its certificate chains to one of the configured authorities (the
/// cluster's private CA; several in one file while one replaces another), is within its validity period, and signs
/// the handshake with its key. The machine's root store is not consulted, so a certificate a public CA issued
/// for any other purpose is not a member. The host name is not checked: silos dial each other by the IP address in
/// the membership table, and the authority issues to members only. A self-signed certificate can be its own
/// authority, which pins exactly that certificate. There is no revocation list: retire a leaked certificate by
/// replacing the authority, so keep the certificates short-lived.
/// </remarks>
internal sealed class MutualTls : IDisposable
{
    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    private readonly X509Certificate2Collection _authorities;

    private MutualTls(X509Certificate2 certificate, X509Certificate2Collection authorities)
    {
        Certificate = certificate;
        _authorities = authorities;
    }

    /// <summary>What this end presents: its certificate with the private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>
    /// Loads and checks the files of <paramref name="section"/> (<c>CertificatePath</c>, <c>CertificatePassword</c>,
    /// <c>CaCertificatePath</c>). <paramref name="acceptsConnections"/>: a silo, whose certificate must also serve
    /// for server authentication; every end dials (a silo dials the others), so it must serve for client authentication.
    /// </summary>
    /// <exception cref="InvalidOperationException">A file is missing or unreadable, or its certificate cannot serve; the message names the setting.</exception>
    public static MutualTls Load(string section, string? certificatePath, string? certificatePassword, string? caCertificatePath, bool acceptsConnections)
    {
        var authorities = LoadAuthorities(section, caCertificatePath);
        X509Certificate2? certificate = null;
        try
        {
            certificate = LoadCertificate(section, certificatePath, certificatePassword);
            var setting = $"{section}:CertificatePath '{certificatePath}'";
            if (!certificate.HasPrivateKey)
            {
                throw new InvalidOperationException($"{setting} holds no private key: export the certificate with its key.");
            }

            var now = DateTime.Now;
            if (now < certificate.NotBefore || now > certificate.NotAfter)
            {
                throw new InvalidOperationException($"{setting} is valid from {certificate.NotBefore:O} to {certificate.NotAfter:O}, not now.");
            }

            // Orleans' TLS refuses such a certificate only on the first connection, long after the silo has started.
            if (!AllowsUsage(certificate, ClientAuthentication) || (acceptsConnections && !AllowsUsage(certificate, ServerAuthentication)))
            {
                var needed = acceptsConnections ? "server and client authentication (a silo accepts connections and dials the other silos)" : "client authentication";
                throw new InvalidOperationException($"{setting}: its extended key usage does not allow {needed}.");
            }

            return new MutualTls(certificate, authorities);
        }
        catch
        {
            certificate?.Dispose();
            foreach (var authority in authorities)
            {
                authority.Dispose();
            }

            throw;
        }
    }

    /// <summary>
    /// Sets Orleans' TLS to present <see cref="Certificate"/>, to require the other end's certificate in both
    /// directions, and to accept only the ones <see cref="Trusts"/> accepts.
    /// </summary>
    public void Configure(TlsOptions options)
    {
        options.LocalCertificate = Certificate;
        options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;

        // The platform's verdict (policy errors) is set aside: it judges against the machine's roots and the host name,
        // neither of which is the trust here.
        options.RemoteCertificateValidation = (certificate, chain, _) => Trusts(certificate, chain);
    }

    /// <summary>True when <paramref name="peer"/> chains to a configured authority and is valid now.</summary>
    /// <param name="presented">The chain the peer sent, if any: its intermediate authorities are used to build the path, never trusted.</param>
    public bool Trusts(X509Certificate2 peer, X509Chain? presented = null)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        for (var i = 1; i < (presented?.ChainElements.Count ?? 0); i++)
        {
            chain.ChainPolicy.ExtraStore.Add(presented!.ChainElements[i].Certificate);
        }

        return chain.Build(peer);
    }

    public void Dispose()
    {
        Certificate.Dispose();
        foreach (var authority in _authorities)
        {
            authority.Dispose();
        }
    }

    private static X509Certificate2 LoadCertificate(string section, string? path, string? password)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new InvalidOperationException($"{section}:CertificatePath is required when {section} is set: this end's certificate and key, a PKCS#12 (.pfx) file.");
        }

        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"{section}:CertificatePath '{path}' does not exist (working directory {Environment.CurrentDirectory}).");
        }

        try
        {
            return X509CertificateLoader.LoadPkcs12FromFile(path, password);
        }
        catch (CryptographicException exception)
        {
            throw new InvalidOperationException(
                $"{section}:CertificatePath '{path}' cannot be read as PKCS#12 (.pfx) with {section}:CertificatePassword ({(string.IsNullOrEmpty(password) ? "unset" : "set")}): {exception.Message}",
                exception);
        }
    }

    private static X509Certificate2Collection LoadAuthorities(string section, string? path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new InvalidOperationException(
                $"{section}:CaCertificatePath is required when {section} is set: the PEM certificate(s) of the authority that issues the cluster's certificates.");
        }

        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"{section}:CaCertificatePath '{path}' does not exist (working directory {Environment.CurrentDirectory}).");
        }

        var authorities = new X509Certificate2Collection();
        try
        {
            authorities.ImportFromPemFile(path);
        }
        catch (CryptographicException exception)
        {
            throw new InvalidOperationException($"{section}:CaCertificatePath '{path}' is not a PEM certificate file: {exception.Message}", exception);
        }

        return authorities.Count > 0
            ? authorities
            : throw new InvalidOperationException($"{section}:CaCertificatePath '{path}' holds no PEM certificate (-----BEGIN CERTIFICATE-----).");
    }

    // A certificate without the extension may serve any purpose (RFC 5280 4.2.1.12).
    private static bool AllowsUsage(X509Certificate2 certificate, Oid usage) =>
        certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().FirstOrDefault() is not { } extension
        || extension.EnhancedKeyUsages.Cast<Oid>().Any(o => o.Value == usage.Value);
}
