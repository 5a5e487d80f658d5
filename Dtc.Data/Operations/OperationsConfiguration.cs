using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Dtc.Data.Operations;

internal sealed class CronRunConfiguration : IEntityTypeConfiguration<CronRun>
{
    public void Configure(EntityTypeBuilder<CronRun> b)
    {
        b.ToTable("cron_runs");
        b.Property(r => r.Id).UseIdentityAlwaysColumn();
        b.Property(r => r.Task).HasMaxLength(64);
        b.Property(r => r.Outcome).HasMaxLength(16);
        b.Property(r => r.Counts).HasColumnType("jsonb");
        b.HasIndex(r => new { r.Task, r.Slot }).IsUnique();
    }
}

internal sealed class HealthSnapshotConfiguration : IEntityTypeConfiguration<HealthSnapshot>
{
    public void Configure(EntityTypeBuilder<HealthSnapshot> b)
    {
        b.ToTable("health_snapshots");
        b.Property(s => s.Id).UseIdentityAlwaysColumn();
        b.Property(s => s.Queues).HasColumnType("jsonb");
        b.HasIndex(s => s.TakenAt);
    }
}
