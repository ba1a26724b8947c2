using System.ComponentModel.DataAnnotations;
using HaSystem.ApiService.Infrastructure;

namespace HaSystem.ApiService.Catalog;

/// <summary>A product as the API returns it (and as the cache stores it).</summary>
public sealed record ProductDto(long Id, string Name, string Description, decimal Price, int Stock, long Version, DateTime UpdatedAtUtc)
{
    public static ProductDto From(Product p) => new(p.Id, p.Name, p.Description, p.Price, p.Stock, p.Version, p.UpdatedAtUtc);
}

public sealed record ProductPage(IReadOnlyList<ProductDto> Items, int Page, int PageSize, int Total);

/// <summary>What a client sends to create or replace a product.</summary>
public sealed record ProductInput(
    [property: Required, StringLength(200, MinimumLength = 1)] string Name,
    [property: StringLength(2000)] string? Description,
    [property: Range(typeof(decimal), "0", "1000000")] decimal Price,
    [property: Range(0, 1_000_000)] int Stock);

/// <summary>Paging and search of the product list; out-of-range values are a 400, not silently clamped.</summary>
public sealed record ProductQuery(
    [property: Range(1, 100_000)] int Page = 1,
    [property: Range(1, 100)] int PageSize = 20,
    [property: StringLength(100)] string? Search = null);
