using ScoreGrains.Tls;

namespace ScoreGrains.Silo.Hosting;

internal static class TlsSiloBuilderExtensions
{
    /// <summary>
    /// Loads <c>ScoreGrains:Cluster:Tls</c>'s files before anything starts, so a missing file or a wrong password stops
    /// the silo naming the setting instead of failing every connection later. Null when TLS is not set.
    /// </summary>
    /// <exception cref="InvalidOperationException">A file is missing or unreadable, or its certificate cannot serve a silo.</exception>
    public static MutualTls? ReadTls(ScoreGrainsClusterOptions cluster) =>
        cluster.Tls is { } tls
            ? MutualTls.Load(ScoreGrainsClusterOptions.TlsSection, tls.CertificatePath, tls.CertificatePassword, tls.CaCertificatePath, acceptsConnections: true)
            : null;

    /// <summary>
    /// TLS on the silo's three kinds of connection (silo inbound, gateway inbound, silo outbound) with one trust: a
    /// client and a silo are both members when the authority issued their certificate.
    /// </summary>
    public static ISiloBuilder UseScoreGrainsTls(this ISiloBuilder silo, MutualTls? tls) =>
        tls is null ? silo : silo.UseTls(tls.Configure);
}
