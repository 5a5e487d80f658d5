using Dtc.Api.Audit;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Scalar.AspNetCore;

namespace Dtc.Api.Http;

/// <summary>What every endpoint of the patient API shares: errors, validation, limits, the OpenAPI document.</summary>
public static class ApiConventions
{
    /// <summary>The largest request body the API reads; every request body is a small JSON object.</summary>
    public const long MaxRequestBodyBytes = 64 * 1024;

    public static IHostApplicationBuilder AddApiConventions(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddProblemDetails();
        services.AddExceptionHandler<BadRequestExceptionHandler>();
        // Binding failures become exceptions so that BadRequestExceptionHandler can name the field.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddValidation();
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.DictionaryKeyPolicy = new ErrorKeyNamingPolicy());
        services.Configure<KestrelServerOptions>(o => o.Limits.MaxRequestBodySize = MaxRequestBodyBytes);
        services.AddHttpContextAccessor();
        services.AddScoped<Auditor>();
        services.AddSingleton<AuditLog>();
        builder.AddRateLimits();
        services.AddOpenApi(o => o.AddDocumentTransformer<BearerSecurityTransformer>().AddOperationTransformer<BearerSecurityTransformer>());
        return builder;
    }

    public static WebApplication UseApiConventions(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.Use(RejectOversizedBodies);
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        if (app.Environment.IsDevelopment())
        {
            app.MapOpenApi();
            app.MapScalarApiReference("/scalar", o => o.WithTitle("Dtc patient API"));
        }
        return app;
    }

    /// <summary>
    /// Kestrel enforces the limit while a body streams in; a declared length over it is refused at once,
    /// before authentication or any work, and with problem details.
    /// </summary>
    static Task RejectOversizedBodies(HttpContext context, RequestDelegate next) =>
        context.Request.ContentLength > MaxRequestBodyBytes
            ? TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request body too large",
                detail: $"A request body may hold at most {MaxRequestBodyBytes} bytes.").ExecuteAsync(context)
            : next(context);
}
