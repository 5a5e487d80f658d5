using Dtc.Consumers.Customers;
using Dtc.Consumers.Kits;
using Dtc.Consumers.Lis;
using Dtc.Messaging;
using Dtc.Messaging.Contracts;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Dtc.Consumers;

public enum ConsumerRole { LisTestResult, Customer, HomekitRegister }

public static class ConsumerRoles
{
    public static ConsumerRole Parse(string? role) => role switch
    {
        "lis-testresult" => ConsumerRole.LisTestResult,
        "customer" => ConsumerRole.Customer,
        "homekit-register" => ConsumerRole.HomekitRegister,
        _ => throw new ArgumentException($"Start Dtc.Consumers with --role lis-testresult|customer|homekit-register (got '{role}')."),
    };

    /// <summary>Registers the one queue of this role and the handler of each message type it takes.</summary>
    public static IHostApplicationBuilder AddConsumerRole(this IHostApplicationBuilder builder, ConsumerRole role)
    {
        switch (role)
        {
            case ConsumerRole.Customer:
                builder.Services.TryAddSingleton<CustomerTelemetry>();
                builder.AddDtcConsumer(Topology.Queues.Customer)
                    .Handle<CustomerRegistered, CustomerRegisteredHandler>()
                    .Handle<CustomerProfileUpdated, CustomerProfileUpdatedHandler>()
                    .Handle<CustomerPreferencesChanged, CustomerPreferencesChangedHandler>()
                    .Handle<CustomerClosureRequested, CustomerClosureRequestedHandler>()
                    .Handle<CrmCustomerUpdated, CrmCustomerUpdatedHandler>();
                break;
            case ConsumerRole.LisTestResult:
                builder.AddLisIngestion();
                // Results come in bursts and each is a few small statements: batches save a commit and round trips per message.
                // Two lanes per replica: on two cores, more lanes gave smaller batches and more CPU per message (docs/PERFORMANCE.md).
                var lis = builder.AddDtcConsumer(Topology.Queues.LisTestResult).HandleRaw<LisResultHandler>(LisResult.MessageType)
                    .ReadBatchesWith<LisBatchRead>();
                lis.BatchSize = builder.Configuration.GetValue<ushort>("Lis:BatchSize", 32);
                lis.Concurrency = builder.Configuration.GetValue<ushort>("Lis:Concurrency", 2);
                break;
            case ConsumerRole.HomekitRegister:
                builder.Services.TryAddSingleton<KitTelemetry>();
                builder.AddDtcConsumer(Topology.Queues.HomekitRegister)
                    .Handle<KitShipped, KitShippedHandler>()
                    .Handle<KitRegistrationRequested, KitRegistrationRequestedHandler>();
                break;
        }
        return builder;
    }
}
