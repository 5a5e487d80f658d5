using Dtc.Api.Http;
using Dtc.Api.Results;
using Dtc.Tests.Infrastructure;
using Npgsql;

namespace Dtc.Tests.Api;

/// <summary>
/// The results list is the API's hottest read. Every shape of it (no filter, a status filter, an issue-date
/// window, a next-page cursor) must read the list's index backwards, already in the order asked for: a sort
/// node there cost a twentieth of PostgreSQL's CPU under load (docs/PERFORMANCE.md).
/// </summary>
public sealed class ResultListPlanTests
{
    public static TheoryData<string> Shapes => ["first page", "status", "issue dates", "cursor", "all filters"];

    static (ResultFilter Filter, Cursor? After) Shape(string shape)
    {
        var day = new DateTimeOffset(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);
        var cursor = new Cursor(day, Guid.CreateVersion7());
        return shape switch
        {
            "first page" => (new ResultFilter(null, null, null), null),
            "status" => (new ResultFilter(["final", "corrected"], null, null), null),
            "issue dates" => (new ResultFilter(null, day.AddDays(-30), day), null),
            "cursor" => (new ResultFilter(null, null, null), cursor),
            "all filters" => (new ResultFilter(["final"], day.AddDays(-30), day), cursor),
            _ => throw new ArgumentOutOfRangeException(nameof(shape)),
        };
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task EveryShapeOfTheListReadsItsIndexInOrderWithNoSort(string shape)
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        // An empty table would otherwise be scanned whole; the plan asked about is the one a large table gets.
        await using (var settings = new NpgsqlCommand("set enable_seqscan = off; set enable_bitmapscan = off", connection))
            await settings.ExecuteNonQueryAsync();

        await using var command = connection.CreateCommand();
        var (filter, after) = Shape(shape);
        ResultListQuery.Build(command, Guid.CreateVersion7(), filter, after, take: 20);
        command.CommandText = "explain (format text) " + command.CommandText;
        var plan = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync()) plan.Add(reader.GetString(0));
        var text = string.Join('\n', plan);

        Assert.Contains("Index Scan Backward using ix_lab_reports_customer_id_issued_at_id", text);
        Assert.DoesNotContain("Sort", text);
    }
}
