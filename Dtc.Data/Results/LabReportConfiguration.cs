using Dtc.Data.Customers;
using Dtc.Data.Kits;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Dtc.Data.Results;

internal sealed class LabReportConfiguration : IEntityTypeConfiguration<LabReport>
{
    public void Configure(EntityTypeBuilder<LabReport> b)
    {
        b.ToTable("lab_reports");
        b.Property(r => r.Id).ValueGeneratedNever();
        b.Property(r => r.Status).HasMaxLength(24);
        b.Property(r => r.Accession).HasMaxLength(64);
        b.Property(r => r.PanelCode).HasMaxLength(32);
        // One report per kit and accession: concurrent deliveries of its versions meet on this key.
        b.HasIndex(r => new { r.KitId, r.Accession }).IsUnique();
        // The patient's results list: their released reports, newest first.
        // id breaks ties, so "order by issued_at desc, id desc" and the keyset cursor read the index backwards
        // with no sort node.
        b.HasIndex(r => new { r.CustomerId, r.IssuedAt, r.Id }).HasFilter("released").IsCreatedConcurrently();
        b.OwnsOne(r => r.Lab, l => l.ToJson());
        b.HasOne<Kit>().WithMany().HasForeignKey(r => r.KitId);
        b.HasOne<Customer>().WithMany().HasForeignKey(r => r.CustomerId);
        b.HasMany(r => r.Versions).WithOne().HasForeignKey(v => v.ReportId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ReportVersionConfiguration : IEntityTypeConfiguration<ReportVersion>
{
    public void Configure(EntityTypeBuilder<ReportVersion> b)
    {
        b.ToTable("report_versions");
        b.Property(v => v.Id).ValueGeneratedNever();
        b.Property(v => v.Status).HasMaxLength(24);
        b.Property(v => v.SourceMessageId).HasMaxLength(128);
        b.Property(v => v.SourceFormat).HasMaxLength(16);
        b.HasIndex(v => new { v.ReportId, v.Number }).IsUnique();
        // A message's version of a report, once: one message may carry several reports (OBR groups).
        b.HasIndex(v => new { v.SourceMessageId, v.ReportId }).IsUnique();
        b.HasMany(v => v.Observations).WithOne().HasForeignKey(o => o.VersionId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ObservationConfiguration : IEntityTypeConfiguration<Observation>
{
    public void Configure(EntityTypeBuilder<Observation> b)
    {
        b.ToTable("observations");
        b.Property(o => o.Id).ValueGeneratedNever();
        b.Property(o => o.Code).HasMaxLength(32);
        b.Property(o => o.NumericValue).HasPrecision(18, 6);
        b.Property(o => o.ReferenceLow).HasPrecision(18, 6);
        b.Property(o => o.ReferenceHigh).HasPrecision(18, 6);
        b.Property(o => o.Flag).HasMaxLength(8);
        b.Property(o => o.Status).HasMaxLength(24);
        b.HasIndex(o => new { o.VersionId, o.Sequence });
    }
}

internal sealed class QuarantinedMessageConfiguration : IEntityTypeConfiguration<QuarantinedMessage>
{
    public void Configure(EntityTypeBuilder<QuarantinedMessage> b)
    {
        b.ToTable("lis_quarantine");
        b.Property(q => q.Id).ValueGeneratedNever();
        b.HasIndex(q => q.MessageId).IsUnique();
        b.HasIndex(q => q.ReceivedAt).HasFilter("resolved_at is null");
        b.Property(q => q.ReasonCode).HasMaxLength(48);
    }
}
