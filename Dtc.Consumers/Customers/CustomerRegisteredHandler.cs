using Dtc.Data;
using Dtc.Data.Notifications;
using Dtc.Messaging.Consuming;
using Dtc.Messaging.Contracts;

namespace Dtc.Consumers.Customers;

/// <summary>Greets a new patient in their in-app inbox.</summary>
public sealed class CustomerRegisteredHandler(DtcDbContext db, TimeProvider clock) : IMessageHandler<CustomerRegistered>
{
    public Task HandleAsync(CustomerRegistered message, MessageContext context, CancellationToken ct)
    {
        db.Notifications.Add(new Notification
        {
            Id = Guid.CreateVersion7(),
            CustomerId = message.CustomerId,
            Channel = NotificationChannel.InApp,
            Template = "welcome",
            Title = "Welcome to your test results",
            Body = "Order a kit, register it when you collect your sample, and your results will appear here.",
            DedupeKey = $"welcome:{message.CustomerId}",
            Status = DeliveryStatus.Sent,
            CreatedAt = clock.GetUtcNow(),
            SentAt = clock.GetUtcNow(),
        });
        return Task.CompletedTask;
    }
}
