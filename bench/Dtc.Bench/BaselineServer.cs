using Npgsql;

namespace Dtc.Bench;

/// <summary>
/// The floor the API is measured against: the same results-list query, raw Npgsql on a singleton
/// data source, no auth, no EF, no audit. Run beside the API in the same benchmark run. Its connections
/// are set as the API's are (Dtc.Api.Http.ApiDatabase): the statement prepared, a returned connection not
/// reset, at most as many connections as a replica opens; with Npgsql's defaults PostgreSQL planned it and
/// reset a connection on every request, and the API's list ran faster than its floor (docs/PERFORMANCE.md,
/// "2026-12-01, 18:00"), and with its own pool uncapped it had 64 backends where a replica has 8 (23:30).
/// </summary>
public static class BaselineServer
{
    public static async Task<int> RunAsync(BenchOptions options)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = options.Get("contentRoot", Directory.GetCurrentDirectory()) });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls(options.Get("urls", "http://127.0.0.1:8300"));
        var connection = new NpgsqlConnectionStringBuilder(BenchOptions.Database) { MaxAutoPrepare = 8, NoResetOnClose = true, MaxPoolSize = 8 };
        await using var dataSource = NpgsqlDataSource.Create(connection);
        var app = builder.Build();
        app.MapGet("/baseline/results/{customerId:guid}", async (Guid customerId, CancellationToken ct) =>
        {
            await using var command = dataSource.CreateCommand(
                "select id, panel_code, status, issued_at from lab_reports where customer_id = $1 and released order by issued_at desc limit 20");
            command.Parameters.Add(new NpgsqlParameter { Value = customerId });
            await using var reader = await command.ExecuteReaderAsync(ct);
            var rows = new List<Row>();
            while (await reader.ReadAsync(ct)) rows.Add(new Row(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3)));
            return Results.Ok(rows);
        });
        await app.RunAsync();
        return 0;
    }

    sealed record Row(Guid Id, string PanelCode, string Status, DateTimeOffset IssuedAt);
}
