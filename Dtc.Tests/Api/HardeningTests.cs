using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dtc.Api.Http;

namespace Dtc.Tests.Api;

/// <summary>Errors are problem details, bodies are bounded, nothing internal leaks, and the API describes itself.</summary>
public sealed class HardeningTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    ApiFactory Api => fixture.Api;

    [Fact]
    public async Task ABodyOverTheLimitAnswers413ProblemWithoutBeingRead()
    {
        using var client = Api.CreateClient();
        var huge = new StringContent($$"""{"email":"{{new string('a', (int)ApiConventions.MaxRequestBodyBytes)}}@example.com"}""", Encoding.UTF8, "application/json");

        var response = await client.PostAsync("/api/v1/accounts/forgot-password", huge);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task MalformedJsonAnswers400ProblemWithoutInternals()
    {
        using var client = Api.CreateClient();

        var broken = await client.PostAsync("/api/v1/accounts/login", new StringContent("{\"email\": ", Encoding.UTF8, "application/json"));
        var wrongType = await client.PostAsync("/api/v1/accounts/login", new StringContent("{\"email\": 42, \"password\": \"x\"}", Encoding.UTF8, "application/json"));
        var notJson = await client.PostAsync("/api/v1/accounts/login", new StringContent("email=a", Encoding.UTF8, "application/x-www-form-urlencoded"));

        var problem = await ProblemAssert.IsProblemAsync(broken, HttpStatusCode.BadRequest);
        Assert.DoesNotContain("Exception", problem.GetRawText());
        Assert.DoesNotContain("LogInRequest", problem.GetRawText());
        await ProblemAssert.NamesFieldsAsync(wrongType, "email");
        await ProblemAssert.IsProblemAsync(notJson, HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task AnUnexpectedFailureAnswers500ProblemWithoutAStackTrace()
    {
        var patient = await Api.SignUpAsync();
        await using (var db = fixture.Database.CreateContext())
        {
            // Break one table of this test class's own database: its next query fails.
            await Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.ExecuteSqlRawAsync(db.Database, "alter table notifications rename to notifications_broken");
        }
        try
        {
            var response = await patient.Client.GetAsync("/api/v1/notifications");

            var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.InternalServerError);
            var text = problem.GetRawText();
            Assert.DoesNotContain("Npgsql", text);
            Assert.DoesNotContain("notifications_broken", text);
            Assert.DoesNotContain("relation", text);
            Assert.True(problem.TryGetProperty("traceId", out _));
        }
        finally
        {
            await using var db = fixture.Database.CreateContext();
            await Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.ExecuteSqlRawAsync(db.Database, "alter table notifications_broken rename to notifications");
        }
    }

    [Fact]
    public async Task UnknownRoutesAndWrongMethodsAnswerProblemDetails()
    {
        var patient = await Api.SignUpAsync();

        await ProblemAssert.IsProblemAsync(await patient.Client.GetAsync("/api/v1/nothing-here"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await patient.Client.GetAsync("/api/v1/orders/not-a-guid"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await patient.Client.DeleteAsync("/api/v1/me"), HttpStatusCode.MethodNotAllowed);
    }

    [Fact]
    public async Task TheOpenApiDocumentDescribesEveryEndpointAndTheReferencePageIsServed()
    {
        using var client = Api.CreateClient();

        var document = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var page = await client.GetAsync("/scalar");

        var operations = document.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(o => o.Value)).ToList();
        var routes = ApiRoutes.All(Api);
        Assert.Equal(routes.Count, operations.Count);
        Assert.All(operations, o => Assert.False(string.IsNullOrEmpty(o.GetProperty("summary").GetString())));
        Assert.True(document.GetProperty("components").GetProperty("securitySchemes").TryGetProperty("Bearer", out _));
        var results = document.GetProperty("paths").GetProperty("/api/v1/results/{id}").GetProperty("get");
        Assert.True(results.TryGetProperty("security", out _));
        var login = document.GetProperty("paths").GetProperty("/api/v1/accounts/login").GetProperty("post");
        Assert.False(login.TryGetProperty("security", out _));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }
}
