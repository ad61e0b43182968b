using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace ScoreGrains.Silo.Security;

/// <summary>
/// <c>Authorization: Bearer &lt;key&gt;</c> against the configured key hashes. The principal's name is the key's name
/// and its roles are the key's. In <c>open</c> mode every request is the principal <c>open</c> with every role, so
/// the same policies, audit and logs run either way. Missing, unknown and revoked keys get 401 with
/// <c>WWW-Authenticate</c>; a key without the endpoint's role gets 403; both as problem+json.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    ApiKeys keys,
    SecurityOptions security,
    IProblemDetailsService problems)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "ApiKey";

    /// <summary>The principal of every request in <c>open</c> mode.</summary>
    public const string OpenPrincipal = "open";

    private const string BearerPrefix = "Bearer ";
    private const string FailureItem = "ScoreGrains.AuthenticationFailure";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (security.Mode == SecurityMode.Open)
        {
            return Task.FromResult(Success(OpenPrincipal, Roles.All));
        }

        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (!header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase) || header.Length == BearerPrefix.Length)
        {
            return Task.FromResult(Fail("The Authorization header must be 'Bearer <key>'."));
        }

        var key = keys.Find(header[BearerPrefix.Length..].Trim());
        if (key is null)
        {
            return Task.FromResult(Fail("The key is not known."));
        }

        if (key.Revoked)
        {
            Logger.LogWarning("A request with the revoked key {KeyName} was refused", key.Name);
            return Task.FromResult(Fail("The key was revoked."));
        }

        return Task.FromResult(Success(key.Name, key.Roles));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var failure = Context.Items[FailureItem] as string;
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = failure is null
            ? "Bearer realm=\"ScoreGrains\""
            : $"Bearer realm=\"ScoreGrains\", error=\"invalid_token\", error_description=\"{failure}\"";
        await WriteProblemAsync("An API key is required.", failure ?? "Send 'Authorization: Bearer <key>' with a key that holds the endpoint's role.");
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        var held = string.Join(", ", Context.User.FindAll(ClaimTypes.Role).Select(c => c.Value));
        await WriteProblemAsync("The key does not hold the role this endpoint needs.", $"The key '{Context.User.Identity?.Name}' holds: {held}.");
    }

    private Task WriteProblemAsync(string title, string detail) =>
        problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = new ProblemDetails { Status = Response.StatusCode, Title = title, Detail = detail },
        }).AsTask();

    private AuthenticateResult Fail(string reason)
    {
        Context.Items[FailureItem] = reason;
        return AuthenticateResult.Fail(reason);
    }

    private static AuthenticateResult Success(string name, IEnumerable<string> roles)
    {
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, name), .. roles.Select(r => new Claim(ClaimTypes.Role, r))],
            SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }
}
