using Dtc.Lis.Hl7;
using static Dtc.Tests.Lis.LisTestKit;

namespace Dtc.Tests.Lis;

public class Hl7TimeTests
{
    [Theory]
    [InlineData("20261120", "2026-11-20T00:00:00Z")]
    [InlineData("2026112014", "2026-11-20T14:00:00Z")]
    [InlineData("202611201430", "2026-11-20T14:30:00Z")]
    [InlineData("20261120143012", "2026-11-20T14:30:12Z")]
    [InlineData("20261120143012.5", "2026-11-20T14:30:12.5Z")]
    [InlineData("20261120143012.1234", "2026-11-20T14:30:12.1234Z")]
    [InlineData("20261120143012-0600", "2026-11-20T14:30:12-06:00")]
    [InlineData("202611201430+0530", "2026-11-20T14:30:00+05:30")]
    [InlineData("20240229", "2024-02-29T00:00:00Z")]
    public void TimestampWithoutOffsetIsUtcAndOffsetIsHonoured(string hl7, string expected)
    {
        Assert.True(Hl7Time.TryParseTimestamp(hl7, out var value));
        Assert.Equal(At(expected), value);
        Assert.Equal(At(expected).Offset, value.Offset);
    }

    [Theory]
    [InlineData("")]
    [InlineData("2026")]
    [InlineData("202611")]
    [InlineData("20261320")]
    [InlineData("20250229")]
    [InlineData("20261120246000")]
    [InlineData("2026112014301")]
    [InlineData("20261120.5")]
    [InlineData("20261120143012+2500")]
    [InlineData("20261120143012+05")]
    [InlineData("2026-11-20")]
    [InlineData("17000101")]
    [InlineData("99991231235959-1400")]
    [InlineData("yesterday")]
    public void MalformedTimestampIsRefused(string hl7) => Assert.False(Hl7Time.TryParseTimestamp(hl7, out _));

    [Theory]
    [InlineData("19850214", 1985, 2, 14)]
    [InlineData("198502142359+1400", 1985, 2, 14)]
    public void BirthDateIsTheDateAsSentNotShiftedByOffset(string hl7, int y, int m, int d)
    {
        Assert.True(Hl7Time.TryParseDate(hl7, out var date));
        Assert.Equal(new DateOnly(y, m, d), date);
    }
}
