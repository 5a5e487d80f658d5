using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;

namespace Dtc.Api.Http;

/// <summary>
/// Turns a request that could not be bound (malformed JSON, a value of the wrong type, a missing body)
/// into problem details that name the field, never echoing the exception: no type names, no stack trace.
/// Any other exception falls through to the default handler (a bare 500 problem).
/// </summary>
internal sealed partial class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        if (exception is not BadHttpRequestException bad) return false;
        context.Response.StatusCode = bad.StatusCode;
        var field = FieldOf(bad);
        var problem = field is null
            ? new ProblemDetails { Status = bad.StatusCode, Title = TitleOf(bad.StatusCode) }
            : new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = ["The value is not valid."] })
            {
                Status = bad.StatusCode,
                Title = "One or more validation errors occurred.",
            };
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem });
    }

    static string TitleOf(int status) => status switch
    {
        StatusCodes.Status413PayloadTooLarge => "Request body too large",
        StatusCodes.Status415UnsupportedMediaType => "Unsupported media type: send application/json",
        _ => "The request could not be read",
    };

    /// <summary>The JSON path of a body that did not parse ("lines[0].quantity"), or the name of a query or route value.</summary>
    static string? FieldOf(BadHttpRequestException bad)
    {
        if (bad.InnerException is JsonException { Path: { Length: > 2 } path } && path.StartsWith("$.", StringComparison.Ordinal))
        {
            return path[2..];
        }
        var match = ParameterName().Match(bad.Message);
        return match.Success && !bad.Message.Contains("body", StringComparison.OrdinalIgnoreCase) ? match.Groups[1].Value : null;
    }

    // "Failed to bind parameter "int? limit" from "abc"." — the framework's wording since .NET 7.
    [GeneratedRegex("""parameter "(?:[^" ]+ )?([A-Za-z_][A-Za-z0-9_]*)" from""")]
    private static partial Regex ParameterName();
}
