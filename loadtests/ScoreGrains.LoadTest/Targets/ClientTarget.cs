using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ScoreGrains.Client;
using ScoreGrains.Contracts;

namespace ScoreGrains.LoadTest.Targets;

/// <summary>A running silo's Orleans gateway, through <see cref="ScoreGrainsClient"/> (the high-volume producer path).</summary>
public sealed class ClientTarget(IReadOnlyList<string> gateways, string serviceId, string clusterId) : ILoadTarget
{
    private IHost? _host;
    private ScoreGrainsClient? _client;

    public string Description => $"Orleans client via {string.Join(", ", gateways)}";

    public IGrainFactory? Grains => null;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        for (var i = 0; i < gateways.Count; i++)
        {
            builder.Configuration[$"{ScoreGrainsClientOptions.Section}:Gateways:{i.ToString(CultureInfo.InvariantCulture)}"] = gateways[i];
        }

        builder.Configuration[$"{ScoreGrainsClientOptions.Section}:ServiceId"] = serviceId;
        builder.Configuration[$"{ScoreGrainsClientOptions.Section}:ClusterId"] = clusterId;
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddScoreGrainsClient();
        _host = builder.Build();
        await _host.StartAsync(cancellationToken);
        _client = _host.Services.GetRequiredService<ScoreGrainsClient>();
    }

    public Task<IngestResult> SendAsync(IReadOnlyList<SignalInput> batch) => _client!.SendAsync(batch);

    public async Task<SubjectScore?> ReadScoreAsync(string kind, string id)
    {
        var score = await _client!.GetScoreAsync(kind, id);
        return score.SignalCount == 0 ? null : score;
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
        }
    }
}
