using Dtc.Data.Customers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Dtc.Data.Notifications;

internal sealed class NotificationConfiguration : IEntityTypeConfiguration<Notification>
{
    public void Configure(EntityTypeBuilder<Notification> b)
    {
        b.ToTable("notifications");
        b.Property(n => n.Id).ValueGeneratedNever();
        b.Property(n => n.Channel).HasMaxLength(8);
        b.Property(n => n.Status).HasMaxLength(8);
        b.Property(n => n.DedupeKey).HasMaxLength(200);
        b.HasIndex(n => new { n.DedupeKey, n.Channel }).IsUnique();
        b.HasIndex(n => new { n.CustomerId, n.Channel, n.CreatedAt });
        b.Property(n => n.ProviderReference).HasMaxLength(128);
        // The cron's list of deferred sends that are due.
        b.HasIndex(n => n.NotBefore).HasFilter("status = 'queued' and not_before is not null");
        b.HasOne<Customer>().WithMany().HasForeignKey(n => n.CustomerId);
    }
}
