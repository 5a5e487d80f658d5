using Dtc.Consumers.Customers;
using Dtc.Messaging;
using Dtc.Messaging.Contracts;

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
                builder.AddDtcConsumer(Topology.Queues.Customer)
                    .Handle<CustomerRegistered, CustomerRegisteredHandler>();
                break;
            case ConsumerRole.LisTestResult:
                builder.AddDtcConsumer(Topology.Queues.LisTestResult);
                break;
            case ConsumerRole.HomekitRegister:
                builder.AddDtcConsumer(Topology.Queues.HomekitRegister);
                break;
        }
        return builder;
    }
}
