using System.Net;
using System.Text.Json;

namespace Dtc.Tests.Api;

/// <summary>Assertions on RFC 9457 problem details.</summary>
public static class ProblemAssert
{
    /// <summary>The response is problem+json with <paramref name="status"/>; returns the parsed body.</summary>
    public static async Task<JsonElement> IsProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal); // never a stack trace
        return problem;
    }

    /// <summary>A 400 validation problem whose errors name exactly <paramref name="fields"/> (among others allowed when <paramref name="only"/> is false).</summary>
    public static async Task<JsonElement> NamesFieldsAsync(HttpResponseMessage response, params string[] fields)
    {
        var problem = await IsProblemAsync(response, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).ToList();
        foreach (var field in fields) Assert.True(errors.Contains(field), $"No error for '{field}'; errors: {string.Join(", ", errors)}");
        return problem;
    }

    public static string? Code(this JsonElement problem) =>
        problem.TryGetProperty("code", out var code) ? code.GetString() : null;
}
