using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using ScoreGrains.Tls;

namespace ScoreGrains.Client;

/// <summary>Registers an Orleans client connected to a ScoreGrains cluster, and <see cref="ScoreGrainsClient"/>.</summary>
public static class ScoreGrainsClientHostingExtensions
{
    /// <exception cref="InvalidOperationException">
    /// A key under <c>ScoreGrains:Client</c> that is not a setting: binding would ignore it and the client would connect
    /// with the default instead (a misspelt <c>Gateway</c> means the default gateway). Or <c>ScoreGrains:Client:Tls</c>
    /// names files that are missing or cannot serve, checked here rather than at the first connection. Or
    /// <c>ScoreGrains:Client:Clustering</c> is unknown, or <c>postgres</c> without <c>ConnectionStrings:ScoreGrains</c> or
    /// with <c>Gateways</c> as well.
    /// </exception>
    public static IHostApplicationBuilder AddScoreGrainsClient(this IHostApplicationBuilder builder)
    {
        var options = new ScoreGrainsClientOptions();
        builder.Configuration.GetSection(ScoreGrainsClientOptions.Section).Bind(options, binder => binder.ErrorOnUnknownConfiguration = true);
        var membership = MembershipConnectionString(builder.Configuration, options);
        var tls = options.Tls is { } settings
            ? MutualTls.Load(ScoreGrainsClientOptions.TlsSection, settings.CertificatePath, settings.CertificatePassword, settings.CaCertificatePath, acceptsConnections: false)
            : null;
        builder.UseOrleansClient(client =>
        {
            if (tls is not null)
            {
                // Every connection to a gateway: this client's certificate out, the silo's checked in.
                client.UseTls(tls.Configure);
            }

            if (membership is not null)
            {
                client.UseAdoNetClustering(clustering =>
                {
                    clustering.Invariant = "Npgsql";
                    clustering.ConnectionString = membership;
                });
            }
            else
            {
                var gateways = options.Gateways.Count > 0 ? options.Gateways : [ScoreGrainsClientOptions.DefaultGateway];
                client.UseStaticClustering([.. gateways.Select(ParseEndpoint)]);
            }

            client.Configure<ClusterOptions>(cluster =>
            {
                cluster.ServiceId = options.ServiceId;
                cluster.ClusterId = options.ClusterId;
            });
        });
        builder.Services.AddSingleton<ScoreGrainsClient>();
        builder.Services.AddSingleton<Notifications.ScoreGrainsSubscriber>();
        return builder;
    }

    /// <summary>The membership database of <c>postgres</c> clustering; null for <c>static</c>.</summary>
    private static string? MembershipConnectionString(IConfiguration configuration, ScoreGrainsClientOptions options)
    {
        var section = ScoreGrainsClientOptions.Section;
        if (string.Equals(options.Clustering, ScoreGrainsClientOptions.StaticClustering, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        if (!string.Equals(options.Clustering, ScoreGrainsClientOptions.PostgresClustering, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(
                $"{section}:Clustering '{options.Clustering}' is not one of {ScoreGrainsClientOptions.StaticClustering}, {ScoreGrainsClientOptions.PostgresClustering}.");
        }

        if (options.Gateways.Count > 0)
        {
            throw new InvalidOperationException(
                $"{section}:Gateways is set, but {section}:Clustering '{ScoreGrainsClientOptions.PostgresClustering}' reads the gateways from the cluster's membership: set one or the other.");
        }

        var connectionString = configuration.GetConnectionString(ScoreGrainsClientOptions.ConnectionStringName);
        return string.IsNullOrWhiteSpace(connectionString)
            ? throw new InvalidOperationException(
                $"{section}:Clustering '{ScoreGrainsClientOptions.PostgresClustering}' reads the gateways from the cluster's membership table: set ConnectionStrings:{ScoreGrainsClientOptions.ConnectionStringName} to the silos' database.")
            : connectionString;
    }

    private static IPEndPoint ParseEndpoint(string text) =>
        IPEndPoint.TryParse(text, out var endpoint) && endpoint.Port != 0
            ? endpoint
            : throw new FormatException($"{ScoreGrainsClientOptions.Section}:Gateways entry '{text}' is not an IP address with a port, e.g. 127.0.0.1:30000.");
}
