using System.Net;
using Orleans.Configuration;

namespace ScoreGrains.Silo.Hosting;

internal static class ClusteringSiloBuilderExtensions
{
    /// <summary>Localhost clustering on loopback for one node; the ports and ids come from configuration.</summary>
    public static ISiloBuilder UseScoreGrainsClustering(this ISiloBuilder silo, IConfiguration configuration)
    {
        var cluster = configuration.GetSection(ScoreGrainsClusterOptions.Section).Get<ScoreGrainsClusterOptions>() ?? new();
        if (!string.Equals(cluster.Clustering, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(
                $"{ScoreGrainsClusterOptions.Section}:Clustering '{cluster.Clustering}' is not supported yet; use 'localhost'.");
        }

        silo.UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort, serviceId: cluster.ServiceId, clusterId: cluster.ClusterId);
        silo.Configure<EndpointOptions>(options => options.AdvertisedIPAddress = IPAddress.Loopback);
        return silo;
    }
}
