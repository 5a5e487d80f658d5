using Dtc.Data;
using Dtc.Data.Notifications;
using Dtc.Messaging.Consuming;
using Dtc.Messaging.Contracts;
using Microsoft.EntityFrameworkCore;

namespace Dtc.Consumers.Customers;

/// <summary>Greets a new patient in their in-app inbox, once (the dedupe key), however often the event comes.</summary>
public sealed class CustomerRegisteredHandler(DtcDbContext db, TimeProvider clock) : IMessageHandler<CustomerRegistered>
{
    public async Task HandleAsync(CustomerRegistered message, MessageContext context, CancellationToken ct)
    {
        var dedupeKey = $"welcome:{message.CustomerId}";
        if (await db.Notifications.AnyAsync(n => n.DedupeKey == dedupeKey && n.Channel == NotificationChannel.InApp, ct)) return;
        db.Notifications.Add(new Notification
        {
            Id = Guid.CreateVersion7(),
            CustomerId = message.CustomerId,
            Channel = NotificationChannel.InApp,
            Template = "welcome",
            Title = "Welcome to your test results",
            Body = "Order a kit, register it when you collect your sample, and your results will appear here.",
            DedupeKey = dedupeKey,
            Status = DeliveryStatus.Sent,
            CreatedAt = clock.GetUtcNow(),
            SentAt = clock.GetUtcNow(),
        });
    }
}
