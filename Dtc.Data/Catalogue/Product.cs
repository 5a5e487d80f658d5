namespace Dtc.Data.Catalogue;

public class Product
{
    public required string Code { get; set; }
    public required string Name { get; set; }
    public required string LoincPanelCode { get; set; }
    public required string SpecimenType { get; set; }
    public decimal Price { get; set; }
    public string Currency { get; set; } = "USD";
    public int TurnaroundDays { get; set; }
    public bool Active { get; set; } = true;
}
