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
    /// names files that are missing or cannot serve, checked here rather than at the first connection.
    /// </exception>
    public static IHostApplicationBuilder AddScoreGrainsClient(this IHostApplicationBuilder builder)
    {
        var options = new ScoreGrainsClientOptions();
        builder.Configuration.GetSection(ScoreGrainsClientOptions.Section).Bind(options, binder => binder.ErrorOnUnknownConfiguration = true);
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

            var gateways = options.Gateways.Count > 0 ? options.Gateways : [ScoreGrainsClientOptions.DefaultGateway];
            client.UseStaticClustering([.. gateways.Select(ParseEndpoint)]);
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

    private static IPEndPoint ParseEndpoint(string text) =>
        IPEndPoint.TryParse(text, out var endpoint) && endpoint.Port != 0
            ? endpoint
            : throw new FormatException($"{ScoreGrainsClientOptions.Section}:Gateways entry '{text}' is not an IP address with a port, e.g. 127.0.0.1:30000.");
}
