namespace ScoreGrains.Silo.Hosting;

/// <summary>
/// Settings under <c>ScoreGrains:Cluster:Tls</c>: when set, every silo-to-silo and gateway connection is TLS, and the
/// other end must present a certificate the cluster's authority issued (see <c>MutualTls</c> for the trust model).
/// </summary>
public sealed class ClusterTlsOptions
{
    /// <summary>
    /// This silo's certificate with its private key: a PKCS#12 (.pfx) file, issued for server and client authentication
    /// (it accepts connections, and dials the other silos). Absolute, or relative to the working directory.
    /// </summary>
    public string? CertificatePath { get; set; }

    /// <summary>The PKCS#12 file's password, if it has one: from a secret (environment, mounted secret), never appsettings.json.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>
    /// The cluster's authority: a PEM file with one or more CA certificates (two while one replaces the other). Silos
    /// and clients whose certificate none of them issued are refused during the TLS handshake.
    /// </summary>
    public string? CaCertificatePath { get; set; }
}
