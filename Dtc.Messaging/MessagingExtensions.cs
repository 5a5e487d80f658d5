using Dtc.Messaging.Consuming;
using Dtc.Messaging.Outbox;
using Dtc.Messaging.Publishing;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;

namespace Dtc.Messaging;

public static class MessagingExtensions
{
    /// <summary>The Aspire resource (and connection string) name of the broker.</summary>
    public const string ConnectionName = "rabbitmq";

    /// <summary>
    /// The broker connection (recovering by itself), the topology declared at start-up, and the
    /// outbox relay. Call <c>AddDtcDatabase</c> too: the outbox lives in the database.
    /// </summary>
    public static IHostApplicationBuilder AddDtcMessaging(this IHostApplicationBuilder builder, bool runRelay = true)
    {
        builder.AddRabbitMQClient(ConnectionName, configureConnectionFactory: factory =>
        {
            factory.ClientProvidedName = builder.Environment.ApplicationName;
            factory.AutomaticRecoveryEnabled = true;
            factory.TopologyRecoveryEnabled = true;
            factory.NetworkRecoveryInterval = TimeSpan.FromSeconds(2);
        });
        var services = builder.Services;
        services.AddOptions<MessagingOptions>().BindConfiguration("Messaging")
            .Validate(o => o.EffectiveRetryDelays.All(d => d > TimeSpan.Zero) && o.OutboxBatchSize > 0, "Messaging:RetryDelays and OutboxBatchSize must be positive.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<MessagingTelemetry>();
        services.TryAddSingleton<ConfirmingPublisher>();
        services.TryAddSingleton<OutboxSignal>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IInterceptor, OutboxSignalInterceptor>());
        services.AddHostedService<TopologyInitializer>();
        if (runRelay) services.AddHostedService<OutboxRelay>();
        return builder;
    }

    /// <summary>Consumes <paramref name="queue"/>; chain <c>Handle&lt;TMessage, THandler&gt;()</c> for each message type.</summary>
    public static ConsumerRegistration AddDtcConsumer(this IHostApplicationBuilder builder, string queue)
    {
        var registration = new ConsumerRegistration(queue, builder.Services);
        builder.Services.TryAddScoped<DeferredStatements>(); // one per transaction: the consumer opens a scope for each
        builder.Services.AddSingleton<IHostedService>(sp => ActivatorUtilities.CreateInstance<MessageConsumer>(sp, registration));
        return registration;
    }
}

/// <summary>Declares the whole topology before anything publishes or consumes.</summary>
internal sealed class TopologyInitializer(IConnection connection, IOptions<MessagingOptions> options) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        await using var channel = await connection.CreateChannelAsync(cancellationToken: ct);
        await Topology.DeclareAsync(channel, options.Value, ct);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
