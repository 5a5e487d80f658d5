using Dtc.Data;
using Dtc.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Dtc.Tests.Data;

public sealed class QueryOptionsTests
{
    [Fact]
    public async Task AQueryReadingNestedCollectionsRunsAsOneQueryWithoutEfWarningOfIt()
    {
        await using var database = await TestDatabase.CreateAsync();
        var logged = new List<EventId>();
        var options = new DbContextOptionsBuilder<DtcDbContext>();
        options.UseDtcDatabase(database.ConnectionString).LogTo((id, _) => id == RelationalEventId.MultipleCollectionIncludeWarning || id == RelationalEventId.CommandExecuted,
                data => logged.Add(data.EventId));
        await using var db = new DtcDbContext(options.Options);

        // The shape of the one-result read: a report's versions and their observations.
        await db.LabReports.AsNoTracking()
            .Select(r => new { r.Id, Versions = r.Versions.Select(v => new { v.Number, Observations = v.Observations.ToList() }).ToList() })
            .ToListAsync();

        Assert.DoesNotContain(RelationalEventId.MultipleCollectionIncludeWarning, logged);
        Assert.Single(logged, RelationalEventId.CommandExecuted); // one round trip, not one per collection
    }
}
