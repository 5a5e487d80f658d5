using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Dtc.Data.Audit;

internal sealed class AuditEventConfiguration : IEntityTypeConfiguration<AuditEvent>
{
    public void Configure(EntityTypeBuilder<AuditEvent> b)
    {
        b.ToTable("audit_events");
        b.Property(a => a.Id).UseIdentityAlwaysColumn();
        b.Property(a => a.Action).HasMaxLength(48);
        b.Property(a => a.ResourceType).HasMaxLength(48);
        b.Property(a => a.ResourceId).HasMaxLength(64);
        b.Property(a => a.ClientAddress).HasMaxLength(64);
        b.Property(a => a.TraceId).HasMaxLength(32);
        b.HasIndex(a => new { a.CustomerId, a.OccurredAt });
    }
}
