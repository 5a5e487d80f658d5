using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Dtc.Api.Http;

public static class DbErrors
{
    /// <summary>A unique index refused the row: two requests raced to create the same thing.</summary>
    public static bool IsUniqueViolation(this DbUpdateException exception) =>
        exception.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };
}
