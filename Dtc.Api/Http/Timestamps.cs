namespace Dtc.Api.Http;

/// <summary>
/// PostgreSQL keeps microseconds and .NET ticks are 100 ns: a time the API returns right after writing it
/// must equal the one it reads back later, so stored times are cut to the microsecond, in UTC, before use.
/// </summary>
public static class Timestamps
{
    public static DateTimeOffset Now(this TimeProvider clock) => clock.GetUtcNow().ToStored();

    public static DateTimeOffset ToStored(this DateTimeOffset time)
    {
        var ticks = time.UtcTicks;
        return new DateTimeOffset(ticks - ticks % 10, TimeSpan.Zero);
    }
}
