using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using ScoreGrains.Silo.Hosting;
using ScoreGrains.Silo.Security;

namespace ScoreGrains.Tests.Infrastructure;

/// <summary>
/// A real silo host in <c>keys</c> mode with one key per role, a revoked key and a rate-limited producer; the keys are
/// made here (only their hashes reach the silo's settings). Its log is collected, so a test can read the access audit.
/// </summary>
public sealed class SecuredSilo : IAsyncDisposable
{
    /// <summary>Signals per second the <c>limited</c> producer may post.</summary>
    public const int LimitedSignalsPerSecond = 5;

    private static readonly string[] KeyNames = ["producer", "reader", "admin", "revoked", "limited"];

    private readonly WebApplication _app;

    private SecuredSilo(WebApplication app, Uri address, IReadOnlyDictionary<string, string> keys, FakeLogCollector log, string serviceId, string modelsDirectory)
    {
        _app = app;
        Address = address;
        Keys = keys;
        Log = log;
        ServiceId = serviceId;
        ModelsDirectory = modelsDirectory;
    }

    public Uri Address { get; }

    public string ServiceId { get; }

    /// <summary>Its own copy of the models directory: an upload writes there, not into the tests' shared one.</summary>
    public string ModelsDirectory { get; }

    /// <summary>The keys by name: producer, reader, admin, revoked (a reader), limited (a producer).</summary>
    public IReadOnlyDictionary<string, string> Keys { get; }

    public FakeLogCollector Log { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<SecuredSilo> StartAsync(string connectionString, string serviceId)
    {
        var keys = KeyNames.ToDictionary(name => name, name => $"sg_test_{name}_{Guid.NewGuid():N}");
        string[] settings =
        [
            "--ScoreGrains:Security:Mode=keys",
            .. KeySettings("producer", keys["producer"], Roles.Producer),
            .. KeySettings("reader", keys["reader"], Roles.Reader),
            .. KeySettings("admin", keys["admin"], Roles.Admin),
            .. KeySettings("revoked", keys["revoked"], Roles.Reader),
            "--ScoreGrains:Security:Keys:revoked:Revoked=true",
            .. KeySettings("limited", keys["limited"], Roles.Producer),
            $"--ScoreGrains:Security:Keys:limited:SignalsPerSecond={LimitedSignalsPerSecond}",
            "--Logging:LogLevel:Default=Warning",
            $"--Logging:LogLevel:{AccessAudit.Category}=Information",
        ];

        var models = CopyOfModels();
        settings = [.. settings, $"--ScoreGrains:ModelsDirectory={models}", "--ScoreGrains:ModelPollInterval=00:00:00.200"];
        var httpPort = LoopbackPort.Free();
        var app = await ScoreGrainsHost.BuildAsync(HostArguments.For(connectionString, serviceId, httpPort, settings));
        var log = new FakeLogCollector();
        app.Services.GetRequiredService<ILoggerFactory>().AddProvider(new FakeLoggerProvider(log));
        await app.StartAsync();
        return new SecuredSilo(app, new Uri($"http://127.0.0.1:{httpPort}"), keys, log, serviceId, models);
    }

    /// <summary>An HTTP client sending the named key (or none when <paramref name="keyName"/> is null).</summary>
    public HttpClient Client(string? keyName)
    {
        var http = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(30) };
        if (keyName is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Keys[keyName]);
        }

        return http;
    }

    /// <summary>A fresh copy of the shipped models in a temporary folder.</summary>
    public static string CopyOfModels()
    {
        var copy = Directory.CreateTempSubdirectory("scoregrains-models-").FullName;
        foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "cluster-config", "models"), "*.json"))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }

        return copy;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Directory.Delete(ModelsDirectory, recursive: true);
    }

    private static string[] KeySettings(string name, string key, string role) =>
        [$"--ScoreGrains:Security:Keys:{name}:Sha256={ApiKeys.HashOf(key)}", $"--ScoreGrains:Security:Keys:{name}:Roles:0={role}"];
}
