using System.Text;
using Dtc.Api.Http;
using Dtc.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Dtc.Api.Results;

/// <summary>
/// The hottest read: a patient's results list, one statement in raw Npgsql (its audit event is written beside
/// it, by <see cref="Audit.Auditor.ReadAlwaysAsync"/>). Conditions are appended only for the filters given,
/// so each shape gets its own prepared plan on the (customer_id, issued_at, id) index of released reports, read
/// backwards in the order asked for, with no sort.
/// </summary>
internal static class ResultListQuery
{
    const string Head = """
        select id, kit_id, panel_code, panel_display, status, current_version, issued_at, collected_at, viewed_at
        from lab_reports
        where customer_id = @customer and released
        """;

    public static async Task<List<ResultSummary>> RunAsync(
        DtcDbContext db, Guid customerId, ResultFilter filter, Cursor? after, int take, CancellationToken ct)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await using var command = connection.CreateCommand();
        Build(command, customerId, filter, after, take);

        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await command.PrepareAsync(ct); // planned once per connection and shape, not on every request
            var rows = new List<ResultSummary>(take + 1);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                rows.Add(new ResultSummary(
                    reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetInt32(5),
                    reader.GetFieldValue<DateTimeOffset>(6),
                    reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7),
                    reader.IsDBNull(8) ? null : reader.GetFieldValue<DateTimeOffset>(8)));
            }
            return rows;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>The statement and its parameters for one page: <paramref name="take"/> rows and one more, to tell if a next page exists.</summary>
    internal static void Build(NpgsqlCommand command, Guid customerId, ResultFilter filter, Cursor? after, int take)
    {
        var sql = new StringBuilder(Head);
        command.Parameters.Add(new NpgsqlParameter<Guid>("customer", customerId));
        if (filter.Statuses is { Length: > 0 } statuses)
        {
            sql.Append(" and status = any(@statuses)");
            command.Parameters.Add(new NpgsqlParameter<string[]>("statuses", statuses));
        }
        if (filter.IssuedFrom is { } from)
        {
            sql.Append(" and issued_at >= @from");
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("from", from));
        }
        if (filter.IssuedBefore is { } before)
        {
            sql.Append(" and issued_at < @before");
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("before", before));
        }
        if (after is { } cursor)
        {
            sql.Append(" and (issued_at, id) < (@afterAt, @afterId)");
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("afterAt", cursor.At));
            command.Parameters.Add(new NpgsqlParameter<Guid>("afterId", cursor.Id));
        }
        sql.Append(" order by issued_at desc, id desc limit @take");
        command.Parameters.Add(new NpgsqlParameter<int>("take", take + 1));
        command.CommandText = sql.ToString();
    }
}
