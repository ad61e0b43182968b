using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ScoreGrains.Silo.Observability;

/// <summary>
/// Readiness of the silo in its cluster: healthy only while the cluster's membership lists this silo as Active. A
/// silo still joining, or shutting down, or declared dead by the others, must not be sent traffic: grain calls
/// it takes would be forwarded or fail.
/// </summary>
internal sealed class MembershipHealthCheck(IClusterMembershipService membership, ILocalSiloDetails silo) : IHealthCheck
{
    public const string Name = "membership";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var snapshot = membership.CurrentSnapshot;
        var status = snapshot.GetSiloStatus(silo.SiloAddress);
        var active = 0;
        foreach (var member in snapshot.Members.Values)
        {
            if (member.Status == SiloStatus.Active)
            {
                active++;
            }
        }

        var description = $"This silo ({silo.SiloAddress}) is {status} in membership version {snapshot.Version}; {active} active in the cluster.";
        return Task.FromResult(status == SiloStatus.Active ? HealthCheckResult.Healthy(description) : HealthCheckResult.Unhealthy(description));
    }
}
