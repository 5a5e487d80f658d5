using Npgsql;

namespace Dtc.Api.Http;

/// <summary>
/// How the API's connections differ from the other services' (docs/PERFORMANCE.md, "2026-12-01, 18:00").
/// Its requests repeat a few dozen statements thousands of times a second, each on a pooled connection
/// opened and closed by one request.
/// </summary>
public static class ApiDatabase
{
    /// <summary>Statements Npgsql keeps prepared per connection: every EF query and raw statement the API runs, with room to spare.</summary>
    public const int MaxAutoPrepare = 64;

    /// <summary>The configuration key of a replica's connection cap (the connection string is every service's; this is the API's own).</summary>
    public const string MaxPoolSizeKey = "ApiDatabase:MaxPoolSize";

    /// <summary>Connections one replica opens at most, unless <see cref="MaxPoolSizeKey"/> says otherwise.</summary>
    public const int DefaultMaxPoolSize = 8;

    public static Action<NpgsqlConnectionStringBuilder> Tune(IConfiguration configuration) => connection => Tune(connection, configuration);

    static void Tune(NpgsqlConnectionStringBuilder connection, IConfiguration configuration)
    {
        // A request holds a connection only for its statements, never while it waits for anything else (its audit
        // event included), so a few connections keep a replica's requests going; past that, more backends only
        // compete for the database's cores. Npgsql's default cap (100 per replica) lets 4 replicas open 400. Measured
        // on two cores (docs/PERFORMANCE.md, 2026-12-01, 23:30): PostgreSQL's CPU per list request 0.24-0.26 ms with a
        // backend per request in flight, 0.18-0.19 ms at 8; registration, which holds one through a transaction, slower at 4.
        var cap = configuration.GetValue(MaxPoolSizeKey, DefaultMaxPoolSize);
        if (cap < 1) throw new InvalidOperationException($"{MaxPoolSizeKey} must be at least 1 (it is {cap}).");
        connection.MaxPoolSize = cap;
        connection.MinPoolSize = Math.Min(connection.MinPoolSize, connection.MaxPoolSize);
        // PostgreSQL planned every EF query anew on every request: the one-result read spent 0.56 ms planning and
        // 0.20 ms running. A statement run five times on a connection is prepared there, and then runs on its plan.
        connection.MaxAutoPrepare = MaxAutoPrepare;
        // A connection returned to the pool was reset (DISCARD ALL, or seven statements when it holds prepared
        // ones) before its next request. The API keeps no session state (no SET, temporary tables, LISTEN or
        // session advisory locks: transactions and SET LOCAL only), so there is nothing to reset; an open
        // transaction is still rolled back when a connection is returned.
        connection.NoResetOnClose = true;
    }
}
