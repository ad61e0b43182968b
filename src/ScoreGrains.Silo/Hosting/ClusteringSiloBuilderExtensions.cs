using System.ComponentModel.DataAnnotations;
using System.Net;
using Orleans.Configuration;

namespace ScoreGrains.Silo.Hosting;

internal static class ClusteringSiloBuilderExtensions
{
    /// <summary>
    /// Reads and checks <c>ScoreGrains:Cluster</c> before anything starts: an unknown mode, an address that is not one,
    /// a value out of range, or a multi-silo mode without a shared database stop the silo with a message naming the setting.
    /// </summary>
    /// <exception cref="InvalidOperationException">The settings cannot make a cluster.</exception>
    public static ScoreGrainsClusterOptions ReadClusterOptions(IConfiguration configuration)
    {
        var cluster = configuration.GetSection(ScoreGrainsClusterOptions.Section).Get<ScoreGrainsClusterOptions>() ?? new();
        var section = ScoreGrainsClusterOptions.Section;
        var mode = ClusteringModes.All.FirstOrDefault(m => string.Equals(m, cluster.Clustering, StringComparison.OrdinalIgnoreCase))
            ?? throw new InvalidOperationException(
                $"{section}:Clustering '{cluster.Clustering}' is not one of {string.Join(", ", ClusteringModes.All)}.");
        cluster.Clustering = mode;

        var errors = new List<ValidationResult>();
        if (!Validator.TryValidateObject(cluster, new ValidationContext(cluster), errors, validateAllProperties: true))
        {
            throw new InvalidOperationException(
                $"{section}: {string.Join("; ", errors.Select(e => $"{string.Join(", ", e.MemberNames)}: {e.ErrorMessage}"))}");
        }

        if (cluster.AdvertisedAddress is { Length: > 0 } address && !IPAddress.TryParse(address, out _))
        {
            throw new InvalidOperationException($"{section}:AdvertisedAddress '{address}' is not an IP address (e.g. 10.0.0.5).");
        }

        if (mode != ClusteringModes.Localhost && string.IsNullOrWhiteSpace(configuration.GetConnectionString(ScoreGrainsDatabase.ConnectionStringName)))
        {
            throw new InvalidOperationException(
                $"{section}:Clustering '{mode}' keeps the cluster's membership in the journal's database, which every silo must share: "
                + $"set ConnectionStrings:{ScoreGrainsDatabase.ConnectionStringName} (the embedded server is private to one silo).");
        }

        return cluster;
    }

    /// <summary>
    /// Membership and endpoints. <c>localhost</c>: Orleans' development clustering, one node on loopback whatever
    /// <c>AdvertisedAddress</c> says (its primary silo is on loopback). <c>postgres</c>:
    /// ADO.NET membership in <paramref name="connectionString"/>'s database (the tables are in the schema:
    /// <c>V003__orleans_clustering.sql</c>), listening on and advertising <c>AdvertisedAddress</c>. <c>kubernetes</c>: the
    /// same membership, with Orleans' Kubernetes hosting naming the silo after its pod, advertising the pod's IP and
    /// taking the service and cluster ids from <c>ORLEANS_SERVICE_ID</c> / <c>ORLEANS_CLUSTER_ID</c> when set.
    /// </summary>
    public static ISiloBuilder UseScoreGrainsClustering(this ISiloBuilder silo, ScoreGrainsClusterOptions cluster, string connectionString)
    {
        silo.Configure<ClusterMembershipOptions>(membership =>
        {
            membership.ProbeTimeout = cluster.ProbeTimeout;
            membership.NumMissedProbesLimit = cluster.MissedProbesLimit;
        });

        if (cluster.Clustering == ClusteringModes.Localhost)
        {
            silo.UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort, serviceId: cluster.ServiceId, clusterId: cluster.ClusterId);
            silo.Configure<EndpointOptions>(options => options.AdvertisedIPAddress = IPAddress.Loopback);
            return silo;
        }

        silo.Configure<ClusterOptions>(options =>
        {
            options.ServiceId = cluster.ServiceId;
            options.ClusterId = cluster.ClusterId;
        });
        silo.UseAdoNetClustering(options =>
        {
            options.Invariant = "Npgsql";
            options.ConnectionString = connectionString;
        });

        var advertised = Address(cluster);
        silo.Configure<EndpointOptions>(options =>
        {
            options.SiloPort = cluster.SiloPort;
            options.GatewayPort = cluster.GatewayPort;
            if (cluster.Clustering == ClusteringModes.Postgres || advertised is not null)
            {
                // Listen where the others dial, loopback by default; Kubernetes hosting listens on any address of the pod.
                options.AdvertisedIPAddress = advertised ?? IPAddress.Loopback;
                options.SiloListeningEndpoint = new IPEndPoint(options.AdvertisedIPAddress, cluster.SiloPort);
                options.GatewayListeningEndpoint = new IPEndPoint(options.AdvertisedIPAddress, cluster.GatewayPort);
            }
        });

        if (cluster.Clustering == ClusteringModes.Kubernetes)
        {
            // Registered after our ClusterOptions, so ORLEANS_SERVICE_ID / ORLEANS_CLUSTER_ID (the pod's labels) win.
            silo.UseKubernetesHosting();
        }

        return silo;
    }

    private static IPAddress? Address(ScoreGrainsClusterOptions cluster) =>
        string.IsNullOrWhiteSpace(cluster.AdvertisedAddress) ? null : IPAddress.Parse(cluster.AdvertisedAddress);
}
