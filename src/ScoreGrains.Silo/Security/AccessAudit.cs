using System.Security.Claims;

namespace ScoreGrains.Silo.Security;

/// <summary>
/// The access record: every read of a named subject and every admin operation as a structured event of the
/// <c>ScoreGrains.Audit</c> category (key name, roles, operation, subject, time), never the key. Ship that category
/// to the audit store; it is logged at Information so the default console shows it too.
/// </summary>
public sealed partial class AccessAudit(ILoggerFactory loggers, TimeProvider time)
{
    public const string Category = "ScoreGrains.Audit";

    private readonly ILogger _logger = loggers.CreateLogger(Category);

    public void Record(ClaimsPrincipal caller, string operation, string? subject)
    {
        var roles = string.Join(",", caller.FindAll(ClaimTypes.Role).Select(c => c.Value));
        Accessed(_logger, caller.Identity?.Name ?? "(none)", roles, operation, subject ?? "", time.GetUtcNow());
    }

    [LoggerMessage(EventId = 9000, EventName = "Access", Level = LogLevel.Information,
        Message = "Access by {KeyName} ({Roles}): {Operation} {Subject} at {Time:O}")]
    private static partial void Accessed(ILogger logger, string keyName, string roles, string operation, string subject, DateTimeOffset time);
}

/// <summary>Records the endpoint's access in the <see cref="AccessAudit"/> before it runs (a refused request is not an access).</summary>
internal sealed class AccessAuditFilter(AccessAudit audit) : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var operation = http.GetEndpoint()?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName ?? http.Request.Path.Value ?? "";
        var route = http.Request.RouteValues;
        var subject = route.TryGetValue("kind", out var kind) && route.TryGetValue("id", out var id) ? $"{kind}/{id}" : route.TryGetValue("kind", out kind) ? $"{kind}" : null;
        audit.Record(http.User, operation, subject);
        return next(context);
    }
}
