using Dtc.Data.Catalogue;
using Dtc.Data.Customers;
using Dtc.Data.Orders;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Dtc.Data.Kits;

internal sealed class KitConfiguration : IEntityTypeConfiguration<Kit>
{
    public void Configure(EntityTypeBuilder<Kit> b)
    {
        b.ToTable("kits");
        b.Property(k => k.Id).ValueGeneratedNever();
        b.Property(k => k.Barcode).HasMaxLength(11).IsFixedLength();
        b.HasIndex(k => k.Barcode).IsUnique();
        b.Property(k => k.Status).HasMaxLength(24);
        b.HasIndex(k => new { k.CustomerId, k.Status });
        b.HasIndex(k => new { k.Status, k.ExpiresOn });
        b.HasOne<Order>().WithMany().HasForeignKey(k => k.OrderId);
        b.HasOne<Product>().WithMany().HasForeignKey(k => k.ProductCode);
        b.HasOne<Customer>().WithMany().HasForeignKey(k => k.CustomerId);
        b.Property(k => k.RowVersion).IsRowVersion();
    }
}

internal sealed class KitRegistrationConfiguration : IEntityTypeConfiguration<KitRegistration>
{
    public void Configure(EntityTypeBuilder<KitRegistration> b)
    {
        b.ToTable("kit_registrations");
        b.Property(r => r.Id).ValueGeneratedNever();
        b.Property(r => r.Barcode).HasMaxLength(11).IsFixedLength();
        b.Property(r => r.Status).HasMaxLength(16);
        b.Property(r => r.ReasonCode).HasMaxLength(48);
        b.HasIndex(r => new { r.CustomerId, r.RequestedAt });
        b.HasIndex(r => r.Barcode);
        b.HasIndex(r => new { r.Status, r.RequestedAt });
        b.HasOne<Customer>().WithMany().HasForeignKey(r => r.CustomerId);
        b.HasOne<Kit>().WithMany().HasForeignKey(r => r.KitId);
    }
}
