namespace ScoreGrains.Client;

/// <summary>
/// Settings under <c>ScoreGrains:Client:Tls</c>: the certificate this client presents to the gateway and the authority
/// whose certificates it accepts from the silos. Set them when the cluster runs with <c>ScoreGrains:Cluster:Tls</c>.
/// </summary>
public sealed class ClientTlsOptions
{
    /// <summary>This client's certificate with its private key: a PKCS#12 (.pfx) file, issued for client authentication.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The PKCS#12 file's password, if it has one: from a secret store or the environment, never a file in the repository.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>The cluster's authority: a PEM file with one or more CA certificates; a silo whose certificate none issued is not connected to.</summary>
    public string? CaCertificatePath { get; set; }
}
