using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using ScoreGrains.Grains.Observability;
using ScoreGrains.Silo.Security;

namespace ScoreGrains.Silo.Observability;

/// <summary>
/// What operators of a cluster read without code of ours in between: a Prometheus scrape endpoint at
/// <c>/metrics</c> (Orleans' meter, ours, ASP.NET Core's and the runtime's), liveness at <c>/healthz</c> and
/// readiness at <c>/healthz/ready</c> (each dependency reported on its own).
/// </summary>
internal static class ObservabilityExtensions
{
    public const string MetricsPath = "/metrics";
    public const string LivenessPath = "/healthz";
    public const string ReadinessPath = "/healthz/ready";

    /// <summary>Orleans' own meter (dotnet/orleans <c>OrleansInstruments</c>).</summary>
    public const string OrleansMeter = "Microsoft.Orleans";

    private const string ReadyTag = "ready";

    public static WebApplicationBuilder AddScoreGrainsObservability(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        // No grain call filter and no timer of ours: every instrument is added to where the work already is, once per
        // batch, commit or crossing. Each scrape collects afresh (the exporter's default caches an answer for 300 ms):
        // Prometheus scrapes every 15-60 s, and a cached answer would show a curl after a batch the figures before it.
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("scoregrains"))
            .WithMetrics(metrics => metrics
                .AddMeter(OrleansMeter, ScoreGrainsMetrics.MeterName)
                .AddAspNetCoreInstrumentation()
                .AddRuntimeInstrumentation()
                .AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0));
        builder.Services.ConfigureOpenTelemetryMeterProvider(OnlyThisHostsMeters);

        builder.Services.AddHealthChecks()
            .AddCheck<PostgresHealthCheck>(PostgresHealthCheck.Name, tags: [ReadyTag], timeout: PostgresHealthCheck.Timeout)
            .AddCheck<MembershipHealthCheck>(MembershipHealthCheck.Name, tags: [ReadyTag]);
        return builder;
    }

    /// <summary>
    /// Leaves out the meters another host's factory made (a meter's scope is its factory). OpenTelemetry listens to
    /// meters by name across the whole process, so where one process hosts more than one silo (the tests: a test
    /// cluster beside the real host) each endpoint would count every silo's signals and show Orleans' instruments twice
    /// under one name. Static meters (the runtime's) have no scope and stay. Decided once per instrument, not per
    /// measurement.
    /// </summary>
    private static void OnlyThisHostsMeters(IServiceProvider services, MeterProviderBuilder metrics)
    {
        var factory = services.GetRequiredService<IMeterFactory>();
        metrics.AddView(instrument => instrument.Meter.Scope is { } scope && !ReferenceEquals(scope, factory) ? MetricStreamConfiguration.Drop : null);
    }

    public static WebApplication MapScoreGrainsObservability(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        // Metrics carry no personal data but say much about the cluster: a reader key (Prometheus sends it with
        // `authorization: { credentials_file: ... }`). The probes stay open: an orchestrator calls them without a key.
        app.MapPrometheusScrapingEndpoint(MetricsPath).RequireRole(Roles.Reader);

        // Liveness runs no check: it answers 200 whenever the process serves HTTP (scripts and tests wait on it at
        // start), so a database outage makes a pod unready, never restarted.
        app.MapHealthChecks(LivenessPath, new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks(ReadinessPath, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadyTag),
            ResponseWriter = HealthReportWriter.WriteAsync,
        }).AllowAnonymous();
        return app;
    }
}
