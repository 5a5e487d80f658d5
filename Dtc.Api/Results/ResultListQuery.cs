using System.Text;
using Dtc.Api.Http;
using Dtc.Data;
using Dtc.Data.Audit;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace Dtc.Api.Results;

/// <summary>
/// The hottest read: a patient's results list. One SQL statement inserts the audit event and selects the
/// page (a data-modifying CTE), so the read and its audit commit atomically in a single round trip, where
/// EF would need four (begin, query, insert, commit). Conditions are appended only for the filters given,
/// so each shape gets its own plan on the (customer_id, issued_at) index of released reports.
/// </summary>
internal static class ResultListQuery
{
    const string Head = """
        with audit as (
            insert into audit_events (occurred_at, actor_id, action, customer_id, resource_type, client_address, trace_id)
            values (@at, @actor, @action, @customer, @type, @address, @trace))
        select id, kit_id, panel_code, panel_display, status, current_version, issued_at, collected_at, viewed_at
        from lab_reports
        where customer_id = @customer and released
        """;

    public static async Task<List<ResultSummary>> RunAsync(
        DtcDbContext db, AuditEvent audit, ResultFilter filter, Cursor? after, int take, CancellationToken ct)
    {
        var sql = new StringBuilder(Head);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await using var command = connection.CreateCommand();
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("at", audit.OccurredAt));
        command.Parameters.Add(new NpgsqlParameter("actor", NpgsqlDbType.Uuid) { Value = (object?)audit.ActorId ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter<string>("action", audit.Action));
        command.Parameters.Add(new NpgsqlParameter<Guid>("customer", audit.CustomerId!.Value));
        command.Parameters.Add(new NpgsqlParameter<string>("type", audit.ResourceType));
        command.Parameters.Add(new NpgsqlParameter("address", NpgsqlDbType.Varchar) { Value = (object?)audit.ClientAddress ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("trace", NpgsqlDbType.Varchar) { Value = (object?)audit.TraceId ?? DBNull.Value });
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

        await db.Database.OpenConnectionAsync(ct);
        try
        {
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
}
