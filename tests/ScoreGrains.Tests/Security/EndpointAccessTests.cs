using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using ScoreGrains.Silo.Security;
using ScoreGrains.Tests.Infrastructure;

namespace ScoreGrains.Tests.Security;

/// <summary>
/// Every endpoint the silo maps, against the role it needs: the table below is the access policy (README, Security).
/// An endpoint added without a row fails here, so none is ever open or guarded by accident.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class EndpointAccessTests(ClusterFixture fixture)
{
    private const string Anonymous = "anonymous";

    // "METHOD pattern" -> the role it needs. Admin holds every role.
    private static readonly Dictionary<string, string> Policy = new()
    {
        ["POST /v1/signals"] = Roles.Producer,
        ["GET /v1/subjects/{kind}/{id}"] = Roles.Reader,
        ["GET /v1/subjects/{kind}/{id}/history"] = Roles.Reader,
        ["GET /v1/subjects/{kind}/{id}/export"] = Roles.Reader,
        ["DELETE /v1/subjects/{kind}/{id}"] = Roles.Admin,
        ["POST /v1/subjects/{kind}/{id}/disputes"] = Roles.Reader,
        ["GET /v1/subjects/{kind}/{id}/disputes"] = Roles.Reader,
        ["GET /v1/disputes"] = Roles.Reader,
        ["GET /v1/disputes/{disputeId}"] = Roles.Reader,
        ["POST /v1/disputes/{disputeId}/resolution"] = Roles.Admin,
        ["GET /v1/subjects/{kind}/{id}/stream"] = Roles.Reader,
        ["GET /v1/crossings"] = Roles.Reader,
        ["GET /v1/crossings/stream"] = Roles.Reader,
        ["GET /v1/stats"] = Roles.Reader,
        ["GET /v1/stats/stream"] = Roles.Reader,
        ["GET /v1/models"] = Roles.Reader,
        ["PUT /v1/models/{kind}"] = Roles.Admin,
        ["* /metrics"] = Roles.Reader,
        ["* /healthz"] = Anonymous,
        ["* /healthz/ready"] = Anonymous,
        ["GET /openapi/{documentName}.json"] = Anonymous,
    };

    public static TheoryData<string> Rows() => [.. Policy.Keys];

    [Fact]
    public async Task EveryMappedEndpointHasARowAndTheRowsPolicy()
    {
        var silo = await fixture.GetSecuredSiloAsync();
        var mapped = silo.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .ToDictionary(Row, RequiredRole);

        Assert.Equal(Lines(Policy), Lines(mapped));
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task EachKeyGetsWhatItsRolesAllowAndNoMore(string row)
    {
        var silo = await fixture.GetSecuredSiloAsync();
        var role = Policy[row];

        foreach (var key in new[] { null, "producer", "reader", "admin" })
        {
            var status = await CallAsync(silo, key, row);
            HttpStatusCode? refusal = role == Anonymous || key == role || key == "admin" ? null
                : key is null ? HttpStatusCode.Unauthorized
                : HttpStatusCode.Forbidden;
            Assert.True(refusal is null ? status is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden) : status == refusal,
                $"{row} with key {key ?? "(none)"}: {(int)status}, expected {(refusal is null ? "neither 401 nor 403" : (int)refusal)}");
        }
    }

    private static async Task<HttpStatusCode> CallAsync(SecuredSilo silo, string? key, string row)
    {
        using var http = silo.Client(key);
        var (method, pattern) = row.Split(' ') is [var m, var p] ? (m, p) : throw new ArgumentException(row);
        var path = pattern.Replace("{kind}", "citizen").Replace("{id}", Signals.NewId()).Replace("{documentName}", "v1").Replace("{disputeId}", Guid.NewGuid().ToString());
        using var request = new HttpRequestMessage(method == "*" ? HttpMethod.Get : new HttpMethod(method), path);
        if (method == "POST")
        {
            request.Content = JsonContent.Create(new[] { Signals.For("citizen", Signals.NewId(), "bill.paid_on_time") }, options: ApiJson.Options);
        }

        // Streams answer with their headers and then stay open: the status is all this test needs.
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        return response.StatusCode;
    }

    private static string Lines(Dictionary<string, string> policy) => string.Join("\n", policy.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} -> {p.Value}"));

    private static string Row(RouteEndpoint endpoint)
    {
        var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods;
        return $"{(methods is { Count: > 0 } ? string.Join(",", methods) : "*")} {endpoint.RoutePattern.RawText}";
    }

    private static string RequiredRole(RouteEndpoint endpoint) =>
        endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null ? Anonymous
        : string.Join("+", endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy ?? "(any key)")) is { Length: > 0 } roles ? roles
        : "(fallback: any key)";
}
