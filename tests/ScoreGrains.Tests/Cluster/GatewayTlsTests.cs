using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Orleans.Configuration;
using Orleans.Connections.Security;
using Orleans.Runtime.Messaging;
using ScoreGrains.Client;
using ScoreGrains.Contracts;
using ScoreGrains.Silo.Hosting;
using ScoreGrains.Tests.Infrastructure;
using ScoreGrains.Tls;

namespace ScoreGrains.Tests.Cluster;

/// <summary>
/// A silo with <c>ScoreGrains:Cluster:Tls</c>: a client with a certificate from the cluster's authority connects and
/// calls; a client without TLS, without a certificate, or with one another authority issued is refused, and a client
/// does not talk to a silo its authority did not issue; two such silos form one cluster over TLS, and the silo-to-silo
/// port refuses a peer whose certificate another authority issued.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class GatewayTlsTests(ClusterFixture fixture) : IDisposable
{
    // Long enough for a handshake on a loaded 2-core machine, short enough that a hang fails the test, not the run.
    private static readonly TimeSpan ConnectLimit = TimeSpan.FromSeconds(30);

    private const string TlsServerMiddleware = "Orleans.Connections.Security.TlsServerConnectionMiddleware";
    private const string TlsClientMiddleware = "Orleans.Connections.Security.TlsClientConnectionMiddleware";
    private const string ConnectionManager = "Orleans.Runtime.Messaging.ConnectionManager";

    private readonly TestCertificates _certificates = new();

    // The silo's and the client's logs, in one: a refusal is seen in both.
    private readonly FakeLogCollector _log = new();

    [Fact]
    public async Task AClientWithACertificateFromTheClustersAuthorityConnectsOverTlsAndCalls()
    {
        var authority = _certificates.Authority("cluster-ca");
        await using var silo = await StartSiloAsync(_certificates.Issue("cluster-ca", "silo"), authority);
        using var host = ClientHost(silo.Gateway, silo.ServiceId, _certificates.Issue("cluster-ca", "producer"), authority);

        var start = host.StartAsync();
        Assert.True(await Task.WhenAny(start, Task.Delay(ConnectLimit)) == start, $"the client with the cluster's certificate did not connect within {ConnectLimit}");
        await start;
        var client = host.Services.GetRequiredService<ScoreGrainsClient>();
        var id = Signals.NewId();
        var sent = await client.SendAsync([Signals.For("company", id, "inspection.passed")]);
        var score = await client.GetScoreAsync("company", id);

        Assert.Equal(SignalStatus.Applied, Assert.Single(sent.Outcomes).Status);
        Assert.Equal(1, score.SignalCount);
        await host.StopAsync();
    }

    [Fact]
    public async Task AClientWithoutTlsIsRefused()
    {
        var authority = _certificates.Authority("cluster-ca");
        await using var silo = await StartSiloAsync(_certificates.Issue("cluster-ca", "silo"), authority);
        using var host = ClientHost(silo.Gateway, silo.ServiceId, certificate: null, authority: null);

        await AssertRefusedAsync(host, silo.Gateway, RefusedBy.Gateway);
    }

    [Fact]
    public async Task AClientWithTlsThatPresentsNoCertificateIsRefused()
    {
        var authority = _certificates.Authority("cluster-ca");
        await using var silo = await StartSiloAsync(_certificates.Issue("cluster-ca", "silo"), authority);

        // Our settings cannot say this (a client with Tls set must have a certificate), so Orleans' TLS is set up directly:
        // the silo's certificate is accepted and the client offers none of its own.
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.AddProvider(new FakeLoggerProvider(_log));
        builder.UseOrleansClient(client =>
        {
            client.UseStaticClustering(IPEndPoint.Parse(silo.Gateway));
            client.Configure<ClusterOptions>(cluster => (cluster.ServiceId, cluster.ClusterId) = (silo.ServiceId, "scoregrains"));
            client.UseTls(options =>
            {
                options.ClientCertificateMode = RemoteCertificateMode.NoCertificate;
                options.AllowAnyRemoteCertificate();
            });
        });
        using var host = builder.Build();

        var reason = await AssertRefusedAsync(host, silo.Gateway, RefusedBy.Gateway);

        Assert.Contains("RemoteCertificateValidationCallback", Assert.IsType<AuthenticationException>(reason).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AClientWithACertificateFromAnotherAuthorityIsRefused()
    {
        var authority = _certificates.Authority("cluster-ca");
        _certificates.Authority("other-ca");
        await using var silo = await StartSiloAsync(_certificates.Issue("cluster-ca", "silo"), authority);
        // The client trusts the silo; only its own certificate is not the cluster's.
        using var host = ClientHost(silo.Gateway, silo.ServiceId, _certificates.Issue("other-ca", "intruder"), authority);

        var reason = await AssertRefusedAsync(host, silo.Gateway, RefusedBy.Gateway);

        Assert.Contains("RemoteCertificateValidationCallback", Assert.IsType<AuthenticationException>(reason).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AClientDoesNotConnectToASiloWhoseCertificateItsAuthorityDidNotIssue()
    {
        var authority = _certificates.Authority("cluster-ca");
        var otherAuthority = _certificates.Authority("other-ca");
        await using var silo = await StartSiloAsync(_certificates.Issue("cluster-ca", "silo"), authority);
        // The silo would accept this client (its authority issued the client's certificate); the client refuses the silo.
        using var host = ClientHost(silo.Gateway, silo.ServiceId, _certificates.Issue("cluster-ca", "producer"), otherAuthority);

        var reason = await AssertRefusedAsync(host, silo.Gateway, RefusedBy.Client);

        Assert.Contains("RemoteCertificateValidationCallback", Assert.IsType<AuthenticationException>(reason).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TwoSilosWithTlsFormOneClusterAndReachEachOther()
    {
        var authority = _certificates.Authority("cluster-ca");
        var run = Signals.NewId()[^8..];
        string[] cluster = [$"--ScoreGrains:Cluster:Clustering={ClusteringModes.Postgres}", $"--ScoreGrains:Cluster:ClusterId=tls-{run}"];
        var serviceId = $"{fixture.ServiceId}-tls-{run}";

        await using var first = await StartSiloAsync(_certificates.Issue("cluster-ca", "silo-1"), authority, serviceId, cluster);
        await using var second = await StartSiloAsync(_certificates.Issue("cluster-ca", "silo-2"), authority, serviceId, cluster);

        // /v1/stats counts the silos that reported to one grain, on one of them: the other's report crossed silo-to-silo TLS.
        await ClusterStatsProbe.WaitForSilosAsync(first.HttpAddress, 2, TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task TheSiloToSiloPortRefusesAPeerWithACertificateFromAnotherAuthority()
    {
        var authority = _certificates.Authority("cluster-ca");
        _certificates.Authority("other-ca");
        await using var silo = await StartSiloAsync(_certificates.Issue("cluster-ca", "silo"), authority);
        // It trusts the cluster, as a silo configured with the cluster's authority and its own certificate would.
        using var outsider = MutualTls.Load("probe", _certificates.Issue("other-ca", "outsider"), TestCertificates.Password, authority, acceptsConnections: true);

        // A silo joining with another authority's certificate is refused the same way and then declared dead, and
        // Orleans ends a dead silo's process (Environment.FailFast), which here is the test run: so the silo port is
        // probed with a plain TLS client presenting the outsider's certificate, as a joining silo would.
        using var limit = new CancellationTokenSource(ConnectLimit);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, silo.SiloPort, limit.Token);
        await using var tls = new SslStream(
            tcp.GetStream(), leaveInnerStreamOpen: false, (_, certificate, chain, _) => certificate is X509Certificate2 peer && outsider.Trusts(peer, chain));
        var ended = await Record.ExceptionAsync(async () =>
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "silo", ClientCertificates = [outsider.Certificate] }, limit.Token);
            // TLS 1.3: the server judges the client's certificate after the client has finished; the verdict comes on the first read.
            _ = await tls.ReadAsync(new byte[1], limit.Token);
        });
        var refusals = await FirstLogsAsync(r => r.Category == TlsServerMiddleware && r.Message == "Authentication failed");

        Assert.False(ended is OperationCanceledException, $"the silo port neither refused nor closed the connection within {ConnectLimit}");
        var reason = refusals[0]?.Exception;
        Assert.True(reason is not null, "the silo port logged no failed TLS handshake");
        Assert.Contains("RemoteCertificateValidationCallback", Assert.IsType<AuthenticationException>(reason).Message, StringComparison.Ordinal);
    }

    public void Dispose() => _certificates.Dispose();

    private async Task<TlsSilo> StartSiloAsync(string certificate, string authority, string? serviceId = null, params string[] settings)
    {
        var silo = await BuildSiloAsync(certificate, authority, _log, serviceId, settings);
        await silo.App.StartAsync();
        return silo;
    }

    /// <summary>A silo host with TLS from <paramref name="certificate"/> and <paramref name="authority"/>, logging to <paramref name="log"/>, not started.</summary>
    private async Task<TlsSilo> BuildSiloAsync(string certificate, string authority, FakeLogCollector log, string? serviceId, params string[] settings)
    {
        serviceId ??= $"{fixture.ServiceId}-tls-{Signals.NewId()[^8..]}";
        var httpPort = LoopbackPort.Free();
        var gatewayPort = LoopbackPort.Free();
        var siloPort = LoopbackPort.Free();
        var app = await ScoreGrainsHost.BuildAsync(HostArguments.For(
            fixture.Database.ConnectionString,
            serviceId,
            httpPort,
            [
                $"--ScoreGrains:Cluster:GatewayPort={gatewayPort}",
                $"--ScoreGrains:Cluster:SiloPort={siloPort}",
                $"--ScoreGrains:Cluster:Tls:CertificatePath={certificate}",
                $"--ScoreGrains:Cluster:Tls:CertificatePassword={TestCertificates.Password}",
                $"--ScoreGrains:Cluster:Tls:CaCertificatePath={authority}",
                "--Logging:LogLevel:Default=Warning",
                .. settings,
            ]));
        app.Services.GetRequiredService<ILoggerFactory>().AddProvider(new FakeLoggerProvider(log));
        return new TlsSilo(app, $"127.0.0.1:{gatewayPort}", siloPort, serviceId, new Uri($"http://127.0.0.1:{httpPort}"));
    }

    private IHost ClientHost(string gateway, string serviceId, string? certificate, string? authority)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.AddProvider(new FakeLoggerProvider(_log));
        builder.Configuration["ScoreGrains:Client:Gateways:0"] = gateway;
        builder.Configuration["ScoreGrains:Client:ServiceId"] = serviceId;
        builder.Configuration["ScoreGrains:Client:ClusterId"] = "scoregrains";
        if (certificate is not null)
        {
            builder.Configuration["ScoreGrains:Client:Tls:CertificatePath"] = certificate;
            builder.Configuration["ScoreGrains:Client:Tls:CertificatePassword"] = TestCertificates.Password;
            builder.Configuration["ScoreGrains:Client:Tls:CaCertificatePath"] = authority;
        }

        builder.AddScoreGrainsClient();
        return builder.Build();
    }

    /// <summary>
    /// Starts the client and waits for its refusal: Orleans' TLS on the refusing side fails the handshake (logging
    /// "Authentication failed" with the reason, which is returned) and the client's connection attempt to the gateway
    /// fails. The client's start must not have succeeded then; Orleans' client may go on retrying the gateway with a
    /// backoff, so the host is stopped.
    /// </summary>
    private async Task<Exception?> AssertRefusedAsync(IHost client, string gateway, RefusedBy side)
    {
        var refusingMiddleware = side == RefusedBy.Gateway ? TlsServerMiddleware : TlsClientMiddleware;
        var start = client.StartAsync();
        var seen = await FirstLogsAsync(
            r => r.Category == refusingMiddleware && r.Message == "Authentication failed",
            r => r.Category == ConnectionManager && r.Message.Contains($"endpoint S{gateway}:", StringComparison.Ordinal));
        var (handshake, attempt) = (seen[0], seen[1]);

        Assert.True(handshake is not null, $"no failed TLS handshake logged by {refusingMiddleware} within {ConnectLimit} (the client {(start.IsCompletedSuccessfully ? "connected" : "did not connect")})");
        Assert.True(attempt is not null, $"the client logged no failed connection to the gateway {gateway} within {ConnectLimit}");
        Assert.False(start.IsCompleted, $"the client's start ended ({start.Status}) although its connection was refused");

        // A refusal during the handshake fails the connection attempt (ConnectionFailedException: "Unable to connect to
        // any of the 1 available gateways"); one after it (TLS 1.3 checks the client's certificate once the client has
        // finished) breaks the connection the client thought it had, and the start waits on until it is cancelled.
        await client.StopAsync();
        var ended = await Record.ExceptionAsync(() => start);
        Assert.True(ended is OperationCanceledException or ConnectionFailedException, $"the client's start ended with {ended?.ToString() ?? "success"}");
        return handshake.Exception;
    }

    /// <summary>The first record each of <paramref name="matches"/> matches (null where none did within <see cref="ConnectLimit"/>).</summary>
    private async Task<FakeLogRecord?[]> FirstLogsAsync(params Func<FakeLogRecord, bool>[] matches)
    {
        var found = new FakeLogRecord?[matches.Length];
        using var limit = new CancellationTokenSource(ConnectLimit);
        try
        {
            // From the first record collected, then each as it is written.
            await foreach (var record in _log.GetLogsAsync(limit.Token))
            {
                for (var i = 0; i < matches.Length; i++)
                {
                    found[i] ??= matches[i](record) ? record : null;
                }

                if (found.All(r => r is not null))
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested)
        {
            // The caller says what was not seen.
        }

        return found;
    }

    private enum RefusedBy
    {
        Gateway,
        Client,
    }

    private sealed record TlsSilo(WebApplication App, string Gateway, int SiloPort, string ServiceId, Uri HttpAddress) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await App.StopAsync();
            await App.DisposeAsync();
        }
    }
}
