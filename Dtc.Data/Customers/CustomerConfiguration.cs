using Dtc.Data.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Dtc.Data.Customers;

internal sealed class CustomerConfiguration : IEntityTypeConfiguration<Customer>
{
    public void Configure(EntityTypeBuilder<Customer> b)
    {
        b.ToTable("customers");
        b.Property(c => c.Id).ValueGeneratedNever();
        b.HasIndex(c => c.Email).IsUnique();
        b.HasIndex(c => c.PatientNumber).IsUnique();
        b.Property(c => c.Email).HasMaxLength(256);
        b.Property(c => c.PatientNumber).HasMaxLength(32);
        b.Property(c => c.GivenName).HasMaxLength(100);
        b.Property(c => c.FamilyName).HasMaxLength(100);
        b.Property(c => c.Phone).HasMaxLength(16);
        b.Property(c => c.TimeZone).HasMaxLength(64);
        b.OwnsOne(c => c.ShippingAddress, a => a.ToJson());
        b.OwnsOne(c => c.Preferences, p => p.ToJson());
        b.HasOne<DtcUser>().WithOne().HasForeignKey<Customer>(c => c.Id).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class RefreshTokenConfiguration : IEntityTypeConfiguration<RefreshToken>
{
    public void Configure(EntityTypeBuilder<RefreshToken> b)
    {
        b.ToTable("refresh_tokens");
        b.HasIndex(t => t.TokenHash).IsUnique();
        b.HasIndex(t => t.UserId);
        b.HasIndex(t => t.ExpiresAt);
        b.HasOne<DtcUser>().WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
