using Npgsql;

namespace Dtc.Bench.Faults;

/// <summary>
/// What an API fault run counts. <see cref="Answered"/>: registrations the API answered with a 2xx; of
/// those, decided / pending / missing as the database holds them. <see cref="Unanswered"/>: registrations
/// written by a request whose answer was lost with the killed replica (the client retried it).
/// </summary>
public sealed record ApiFaultReport(
    int Registrations, int Replicas, int Answered, long Decided, long Accepted, long Rejected, long Pending, long Missing,
    int RequestsRefused, int RequestsLostInFlight, int ServerErrors, int ClientErrors, int RetriedAfterLoss, int RetriesFoundEarlier, int GaveUp,
    long Unanswered, long UnansweredUndecided, long WrongDecisions, long KitsRegistered, int KitsExpected, long OutboxUnpublished,
    KillRecord Kill, double Seconds)
{
    public bool Clean => Kill.Replica != "" && GaveUp == 0 && Answered == Registrations && Decided == Answered && Pending == 0 && Missing == 0
        && UnansweredUndecided == 0 && OutboxUnpublished == 0;
}

public static class ApiFaultCount
{
    public static async Task<ApiFaultReport> CountAsync(
        string database, Guid[] patients, int kitsExpected, RegistrationOutcome[] outcomes, int replicas, KillRecord kill, TimeSpan elapsed)
    {
        await using var dataSource = NpgsqlDataSource.Create(database);
        var answered = outcomes.Where(o => o.RegistrationId is not null).Select(o => o.RegistrationId!.Value).ToArray();
        async Task<long> Scalar(string sql, params object[] values)
        {
            await using var command = dataSource.CreateCommand(sql);
            foreach (var value in values) command.Parameters.Add(new NpgsqlParameter { Value = value });
            return Convert.ToInt64(await command.ExecuteScalarAsync());
        }
        // Every id a client got, looked up in the database: a registration the API acknowledged and then lost is "missing".
        const string answeredRows = "from unnest($1::uuid[]) a(id) left join kit_registrations r on r.id = a.id where";
        var missing = await Scalar($"select count(*) {answeredRows} r.id is null", answered);
        var pending = await Scalar($"select count(*) {answeredRows} r.status = 'pending'", answered);
        var accepted = await Scalar($"select count(*) {answeredRows} r.status = 'accepted'", answered);
        var rejected = await Scalar($"select count(*) {answeredRows} r.status = 'rejected'", answered);
        const string unanswered = "from kit_registrations r where r.customer_id = any($1) and not (r.id = any($2))";
        var unansweredAll = await Scalar($"select count(*) {unanswered}", patients, answered);
        var unansweredPending = await Scalar($"select count(*) {unanswered} and r.status = 'pending'", patients, answered);
        // Rejected exactly when no kit has the barcode (every tenth registration); anything else is a wrong decision.
        var wrong = await Scalar("""
            select count(*) from kit_registrations r where r.customer_id = any($1) and r.status <> 'pending'
              and (r.status = 'rejected') = exists (select 1 from kits k where k.barcode = r.barcode)
            """, patients);
        var kitsRegistered = await Scalar("select count(*) from kits where customer_id = any($1) and status = 'registered'", patients);
        var outbox = await Scalar("select count(*) from outbox where published_at is null");

        return new ApiFaultReport(
            outcomes.Length, replicas, answered.Length, accepted + rejected, accepted, rejected, pending, missing,
            outcomes.Sum(o => o.Refused), outcomes.Sum(o => o.InFlightLost), outcomes.Sum(o => o.ServerErrors),
            outcomes.Count(o => o.ClientError is not null), outcomes.Count(o => o.InFlightLost > 0 && o.RegistrationId is not null),
            outcomes.Count(o => o.RetryFoundEarlier), outcomes.Count(o => o.RegistrationId is null),
            unansweredAll, unansweredPending, wrong, kitsRegistered, kitsExpected, outbox, kill, Math.Round(elapsed.TotalSeconds, 1));
    }
}
