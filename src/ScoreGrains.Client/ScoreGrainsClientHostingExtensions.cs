using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace ScoreGrains.Client;

/// <summary>Registers an Orleans client connected to a ScoreGrains cluster, and <see cref="ScoreGrainsClient"/>.</summary>
public static class ScoreGrainsClientHostingExtensions
{
    /// <exception cref="InvalidOperationException">
    /// A key under <c>ScoreGrains:Client</c> that is not a setting: binding would ignore it and the client would connect
    /// with the default instead (a misspelt <c>Gateway</c> means the default gateway).
    /// </exception>
    public static IHostApplicationBuilder AddScoreGrainsClient(this IHostApplicationBuilder builder)
    {
        var options = new ScoreGrainsClientOptions();
        builder.Configuration.GetSection(ScoreGrainsClientOptions.Section).Bind(options, binder => binder.ErrorOnUnknownConfiguration = true);
        builder.UseOrleansClient(client =>
        {
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
