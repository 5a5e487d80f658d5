using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Dtc.Data.Notifications;

internal sealed class AccountEmailConfiguration : IEntityTypeConfiguration<AccountEmail>
{
    public void Configure(EntityTypeBuilder<AccountEmail> b)
    {
        b.ToTable("account_emails");
        b.Property(e => e.Id).ValueGeneratedNever();
        b.Property(e => e.DedupeKey).HasMaxLength(200);
        b.HasIndex(e => e.DedupeKey).IsUnique();
        b.Property(e => e.Template).HasMaxLength(48);
        b.Property(e => e.Status).HasMaxLength(8);
        b.Property(e => e.ProviderReference).HasMaxLength(128);
        b.HasIndex(e => e.CreatedAt);
    }
}
