using Dtc.Data;
using Dtc.Data.Catalogue;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Dtc.Api.Catalogue;

public sealed record ProductResponse(string Code, string Name, string LoincPanelCode, string SpecimenType, decimal Price, string Currency, int TurnaroundDays)
{
    public static readonly System.Linq.Expressions.Expression<Func<Product, ProductResponse>> Projection =
        p => new ProductResponse(p.Code, p.Name, p.LoincPanelCode, p.SpecimenType, p.Price, p.Currency, p.TurnaroundDays);
}

/// <summary>The test panels on sale.</summary>
public static class CatalogueApi
{
    public static RouteGroupBuilder MapCatalogueApi(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/catalogue").WithTags("Catalogue");
        group.MapGet("/products", ListAsync).WithName("ListProducts").WithSummary("List the test kits on sale.");
        group.MapGet("/products/{code}", GetAsync).WithName("GetProduct").WithSummary("Read one product by its code.");
        return group;
    }

    static async Task<Ok<List<ProductResponse>>> ListAsync(DtcDbContext db, CancellationToken ct) =>
        TypedResults.Ok(await db.Products.AsNoTracking().Where(p => p.Active).OrderBy(p => p.Name).Select(ProductResponse.Projection).ToListAsync(ct));

    static async Task<Results<Ok<ProductResponse>, NotFound>> GetAsync(string code, DtcDbContext db, CancellationToken ct) =>
        await db.Products.AsNoTracking().Where(p => p.Code == code && p.Active).Select(ProductResponse.Projection).SingleOrDefaultAsync(ct) is { } product
            ? TypedResults.Ok(product)
            : TypedResults.NotFound();
}
