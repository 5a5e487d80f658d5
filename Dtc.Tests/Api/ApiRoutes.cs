using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Dtc.Tests.Api;

/// <summary>The API's routes read from the running app, so a test over "every route" also covers routes added later.</summary>
public static class ApiRoutes
{
    public static List<(string Method, string Pattern, Endpoint Endpoint)> All(ApiFactory api) =>
        api.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.TrimStart('/').StartsWith("api/v1", StringComparison.Ordinal) == true)
            .SelectMany(e => e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods
                .Select(m => (m, e.RoutePattern.RawText!.TrimStart('/').TrimEnd('/'), (Endpoint)e)))
            .ToList();

    /// <summary>A concrete URL for a route pattern: <paramref name="id"/> for {id:guid}, a real product code for {code}.</summary>
    public static string Url(string pattern, Guid id) => "/" + pattern.Replace("{id:guid}", id.ToString()).Replace("{code}", "A1C");
}
