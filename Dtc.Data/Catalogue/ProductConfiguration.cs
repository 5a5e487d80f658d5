using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Dtc.Data.Catalogue;

internal sealed class ProductConfiguration : IEntityTypeConfiguration<Product>
{
    public void Configure(EntityTypeBuilder<Product> b)
    {
        b.ToTable("products");
        b.HasKey(p => p.Code);
        b.Property(p => p.Code).HasMaxLength(32);
        b.Property(p => p.Price).HasPrecision(10, 2);
        b.Property(p => p.Currency).HasMaxLength(3);
        b.HasData(Catalogue.Seed);
    }
}

/// <summary>The panels on sale; seeded by the migrations.</summary>
public static class Catalogue
{
    public static readonly Product[] Seed =
    [
        new() { Code = "LIPID", Name = "Lipid panel", LoincPanelCode = "57698-3", SpecimenType = "capillary blood (dried blood spot)", Price = 49.00m, TurnaroundDays = 5 },
        new() { Code = "A1C", Name = "Hemoglobin A1c", LoincPanelCode = "4548-4", SpecimenType = "capillary blood (dried blood spot)", Price = 39.00m, TurnaroundDays = 4 },
        new() { Code = "VITD", Name = "Vitamin D, 25-hydroxy", LoincPanelCode = "62292-8", SpecimenType = "capillary blood (dried blood spot)", Price = 59.00m, TurnaroundDays = 6 },
        new() { Code = "CBC", Name = "Complete blood count", LoincPanelCode = "58410-2", SpecimenType = "capillary blood", Price = 45.00m, TurnaroundDays = 3 },
        new() { Code = "STI4", Name = "STI panel (4 infections)", LoincPanelCode = "STI-4", SpecimenType = "urine and vaginal swab", Price = 129.00m, TurnaroundDays = 7 },
    ];
}
