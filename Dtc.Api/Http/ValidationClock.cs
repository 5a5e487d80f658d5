using System.ComponentModel.DataAnnotations;

namespace Dtc.Api.Http;

/// <summary>The application's clock inside <see cref="IValidatableObject.Validate"/>, so tests that move time move validation too.</summary>
public static class ValidationClock
{
    public static DateTimeOffset Now(ValidationContext context) =>
        (context.GetService(typeof(TimeProvider)) as TimeProvider ?? TimeProvider.System).GetUtcNow();

    public static DateOnly Today(ValidationContext context) => DateOnly.FromDateTime(Now(context).UtcDateTime);
}
