using System.Net;
using Microsoft.AspNetCore.Authorization;

namespace ScoreGrains.Silo.Security;

/// <summary>The API's access control: keys, roles as policies, the open-mode rule, rate limits, the access audit.</summary>
public static class SecurityExtensions
{
    /// <summary>
    /// Reads <c>ScoreGrains:Security</c> and registers authentication and a policy per role. Endpoints without a
    /// policy of their own fall back to "any valid key", so a new endpoint is never open by mistake.
    /// </summary>
    /// <exception cref="InvalidOperationException">Bad key settings, or <c>open</c> mode on an address other than loopback.</exception>
    public static WebApplicationBuilder AddScoreGrainsSecurity(this WebApplicationBuilder builder, IReadOnlyList<string> urls)
    {
        var options = builder.Configuration.GetSection(SecurityOptions.Section).Get<SecurityOptions>() ?? new SecurityOptions();
        var keys = new ApiKeys(options);
        var exposed = urls.Where(url => !IsLoopback(url)).ToList();
        if (options.Mode != SecurityMode.Keys && exposed.Count > 0)
        {
            throw new InvalidOperationException(
                $"The HTTP API listens on {string.Join(", ", exposed)}, beyond loopback, with {SecurityOptions.Section}:Mode={(options.Mode is null ? "(unset: open)" : "open")}: "
                + $"anyone who can reach it could read and change scores. Set {SecurityOptions.Section}:Mode=keys and configure keys (README, Security), or listen on 127.0.0.1.");
        }

        // Registered with the mode in effect, so the handler and the start-up warning read one answer.
        options.Mode ??= SecurityMode.Open;
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(keys);
        builder.Services.AddProblemDetails(); // 401 and 403 answer as problem+json
        builder.Services.AddSingleton<SignalRateLimiter>();
        builder.Services.AddSingleton<AccessAudit>();
        builder.Services.AddSingleton<AccessAuditFilter>();
        builder.Services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Roles.Producer, p => p.RequireRole(Roles.Producer, Roles.Admin))
            .AddPolicy(Roles.Reader, p => p.RequireRole(Roles.Reader, Roles.Admin))
            .AddPolicy(Roles.Admin, p => p.RequireRole(Roles.Admin))
            .SetFallbackPolicy(new AuthorizationPolicyBuilder(ApiKeyAuthenticationHandler.SchemeName).RequireAuthenticatedUser().Build());
        return builder;
    }

    /// <summary>Authentication and authorization in the pipeline, and the start-up warning of what is open.</summary>
    public static WebApplication UseScoreGrainsSecurity(this WebApplication app)
    {
        var mode = app.Services.GetRequiredService<SecurityOptions>().Mode;
        var keys = app.Services.GetRequiredService<ApiKeys>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SecurityExtensions).FullName!);
        if (mode == SecurityMode.Open)
        {
            logger.LogWarning(
                "Security mode open: no API key is checked. Allowed because the HTTP API listens on loopback only; set {Setting}=keys before exposing it (README, Security)",
                $"{SecurityOptions.Section}:Mode");
        }
        else if (keys.ActiveCount == 0)
        {
            logger.LogWarning("Security mode keys with no active key: every request but the health probes is refused with 401");
        }

        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }

    /// <summary>The endpoint needs a key holding <paramref name="role"/> (admin holds every role).</summary>
    public static TBuilder RequireRole<TBuilder>(this TBuilder builder, string role)
        where TBuilder : IEndpointConventionBuilder => builder.RequireAuthorization(role);

    /// <summary>Each call is an access to record (<see cref="AccessAudit"/>): reads of a named subject, admin operations.</summary>
    public static TBuilder Audited<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.AddEndpointFilter<TBuilder, AccessAuditFilter>();

    /// <summary>An http(s) URL whose host is 127.0.0.0/8, ::1 or localhost; <c>*</c>, <c>+</c>, 0.0.0.0 and [::] are not.</summary>
    public static bool IsLoopback(string url)
    {
        // Kestrel's own parser of Urls entries; it keeps IPv6 hosts in brackets.
        var host = BindingAddress.Parse(url).Host.Trim('[', ']');
        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
    }
}
