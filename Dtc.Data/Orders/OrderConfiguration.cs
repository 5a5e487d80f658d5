using Dtc.Data.Catalogue;
using Dtc.Data.Customers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Dtc.Data.Orders;

internal sealed class OrderConfiguration : IEntityTypeConfiguration<Order>
{
    public void Configure(EntityTypeBuilder<Order> b)
    {
        b.ToTable("orders");
        b.Property(o => o.Id).ValueGeneratedNever();
        b.Property(o => o.Status).HasMaxLength(16);
        b.Property(o => o.IdempotencyKey).HasMaxLength(128);
        b.Property(o => o.Total).HasPrecision(10, 2);
        b.Property(o => o.Currency).HasMaxLength(3);
        b.HasIndex(o => new { o.CustomerId, o.IdempotencyKey }).IsUnique();
        b.HasIndex(o => new { o.CustomerId, o.CreatedAt });
        b.OwnsOne(o => o.ShippingAddress, a => a.ToJson());
        b.HasOne<Customer>().WithMany().HasForeignKey(o => o.CustomerId);
        b.HasMany(o => o.Lines).WithOne().HasForeignKey(l => l.OrderId).OnDelete(DeleteBehavior.Cascade);
        b.Property(o => o.RowVersion).IsRowVersion();
    }
}

internal sealed class OrderLineConfiguration : IEntityTypeConfiguration<OrderLine>
{
    public void Configure(EntityTypeBuilder<OrderLine> b)
    {
        b.ToTable("order_lines");
        b.HasKey(l => new { l.OrderId, l.ProductCode });
        b.Property(l => l.UnitPrice).HasPrecision(10, 2);
        b.HasOne<Product>().WithMany().HasForeignKey(l => l.ProductCode);
    }
}
