namespace Dtc.AppHost;

/// <summary>
/// Names and replica counts of DESIGN.md §1: the one source of truth for the AppHost and for the
/// production overlay's check (deploy/k8s tests compare against it).
/// </summary>
public static class DtcResources
{
    public const string Database = "dtc";
    public const string Broker = "rabbitmq";
    public const string Migrations = "migrations";
    public const string Api = "api";
    public const string Cron = "cron";

    public sealed record Consumer(string Name, string Role, int LocalReplicas, int ProductionReplicas);

    public static readonly Consumer[] Consumers =
    [
        new("consumer-lis-testresult", "lis-testresult", 2, 2),
        new("consumer-customer", "customer", 1, 2),
        new("consumer-homekit-register", "homekit-register", 1, 2),
    ];

    public const string Worker = "wrk-default";

    /// <summary>The LIS simulator: a local run's stand-in for the lab (never published).</summary>
    public const string LisSimulator = "lis-simulator";

    /// <summary>Local replica counts (the AppHost); production counts differ where the seed recommends it.</summary>
    public static readonly IReadOnlyDictionary<string, (int Local, int Production)> Replicas = new Dictionary<string, (int, int)>
    {
        [Api] = (4, 4),
        [Worker] = (1, 2),
        ["consumer-lis-testresult"] = (2, 2),
        ["consumer-customer"] = (1, 2),
        ["consumer-homekit-register"] = (1, 2),
    };
}
