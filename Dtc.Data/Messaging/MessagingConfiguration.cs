using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Dtc.Data.Messaging;

internal sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> b)
    {
        b.ToTable("outbox");
        b.HasKey(m => m.Seq);
        b.Property(m => m.Seq).UseIdentityAlwaysColumn();
        b.HasIndex(m => m.MessageId).IsUnique();
        b.Property(m => m.Type).HasMaxLength(64);
        b.Property(m => m.Exchange).HasMaxLength(64);
        b.Property(m => m.RoutingKey).HasMaxLength(128);
        b.Property(m => m.ContentType).HasMaxLength(64);
        b.Property(m => m.Headers).HasColumnType("jsonb");
        b.Property(m => m.LockedBy).HasMaxLength(128);
        // The relay's work list: only unpublished rows, in order. Stays small however long the table grows.
        b.HasIndex(m => m.Seq).HasFilter("published_at is null").HasDatabaseName("ix_outbox_unpublished");
        b.HasIndex(m => m.PublishedAt).HasFilter("published_at is not null");
    }
}

internal sealed class InboxMessageConfiguration : IEntityTypeConfiguration<InboxMessage>
{
    public void Configure(EntityTypeBuilder<InboxMessage> b)
    {
        b.ToTable("inbox");
        b.HasKey(m => new { m.Consumer, m.MessageId });
        b.Property(m => m.Consumer).HasMaxLength(64);
        b.Property(m => m.Type).HasMaxLength(64);
        b.HasIndex(m => m.ProcessedAt);
    }
}
