using System.Net;
using System.Net.Http.Json;
using Dtc.Api.Catalogue;

namespace Dtc.Tests.Api;

public sealed class CatalogueTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task ListsTheSeededProductsWithPrices()
    {
        var patient = await fixture.Api.SignUpAsync();

        var products = (await patient.Client.GetFromJsonAsync<List<ProductResponse>>("/api/v1/catalogue/products"))!;

        var a1c = Assert.Single(products, p => p.Code == "A1C");
        Assert.Equal(39.00m, a1c.Price);
        Assert.Equal("4548-4", a1c.LoincPanelCode);
        Assert.True(products.Count >= 5);
    }

    [Fact]
    public async Task ReadsOneProductAndAnswers404ProblemForAnUnknownCode()
    {
        var patient = await fixture.Api.SignUpAsync();

        var lipid = await patient.Client.GetFromJsonAsync<ProductResponse>("/api/v1/catalogue/products/LIPID");
        var unknown = await patient.Client.GetAsync("/api/v1/catalogue/products/NOPE");

        Assert.Equal("Lipid panel", lipid!.Name);
        await ProblemAssert.IsProblemAsync(unknown, HttpStatusCode.NotFound);
    }
}
