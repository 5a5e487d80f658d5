using Dtc.Data.Customers;
using Dtc.Worker.Notifications;

namespace Dtc.Tests.Worker;

public sealed class QuietHoursTests
{
    static readonly NotificationPreferences nightly = new() { QuietHoursStart = 21, QuietHoursEnd = 8 };

    [Theory]
    [InlineData("2026-01-14T22:30:00Z", "Europe/Berlin", "2026-01-15T07:00:00Z")] // 23:30 local: the next morning
    [InlineData("2026-01-15T02:00:00Z", "Europe/Berlin", "2026-01-15T07:00:00Z")] // 03:00 local: this morning
    [InlineData("2026-07-01T03:00:00Z", "America/New_York", "2026-07-01T12:00:00Z")] // 23:00 EDT
    [InlineData("2026-03-29T00:30:00Z", "Europe/Berlin", "2026-03-29T06:00:00Z")] // the night clocks go forward
    public void SmsInQuietHoursWaitsForTheCustomersMorning(string now, string zone, string expected)
    {
        Assert.Equal(DateTimeOffset.Parse(expected), QuietHours.DeferUntil(DateTimeOffset.Parse(now), nightly, zone));
    }

    [Theory]
    [InlineData("2026-01-14T12:00:00Z", "Europe/Berlin")]
    [InlineData("2026-01-14T19:59:00Z", "Europe/Berlin")]
    [InlineData("2026-01-14T22:30:00Z", "America/Los_Angeles")]
    public void SmsOutsideQuietHoursGoesNow(string now, string zone)
    {
        Assert.Null(QuietHours.DeferUntil(DateTimeOffset.Parse(now), nightly, zone));
    }

    [Fact]
    public void UnknownTimeZoneCountsAsUtcAndEqualHoursMeanNone()
    {
        Assert.Equal(DateTimeOffset.Parse("2026-01-15T08:00:00Z"), QuietHours.DeferUntil(DateTimeOffset.Parse("2026-01-14T23:00:00Z"), nightly, "Mars/Olympus"));
        Assert.Null(QuietHours.DeferUntil(DateTimeOffset.Parse("2026-01-14T23:00:00Z"), new NotificationPreferences { QuietHoursStart = 0, QuietHoursEnd = 0 }, "UTC"));
    }
}
