using System.ComponentModel.DataAnnotations;

namespace HaSystem.Contracts.Catalog;

/// <summary>A product as the API returns it (and as the cache stores it).</summary>
/// <param name="Id">The product's number within its tenant's catalog.</param>
/// <param name="Name">Its name.</param>
/// <param name="Description">Its description.</param>
/// <param name="Price">Its unit price.</param>
/// <param name="Stock">How many are in stock.</param>
/// <param name="Version">Grows with every change; a cache entry of an older version is never served after a newer one.</param>
/// <param name="UpdatedAtUtc">When it last changed.</param>
public sealed record ProductDto(long Id, string Name, string Description, decimal Price, int Stock, long Version, DateTime UpdatedAtUtc);

/// <summary>One page of the product list.</summary>
/// <param name="Items">The page's products.</param>
/// <param name="Page">The page's number, from 1.</param>
/// <param name="PageSize">The most products a page holds.</param>
/// <param name="Total">How many products match, on every page.</param>
public sealed record ProductPage(IReadOnlyList<ProductDto> Items, int Page, int PageSize, int Total) : IPage;

/// <summary>What a client sends to create or replace a product.</summary>
/// <param name="Name">1–200 characters.</param>
/// <param name="Description">Up to 2,000 characters.</param>
/// <param name="Price">0–1,000,000.</param>
/// <param name="Stock">0–1,000,000.</param>
public sealed record ProductInput(
    [property: Required, StringLength(200, MinimumLength = 1)] string Name,
    [property: StringLength(2000)] string? Description,
    [property: Range(typeof(decimal), "0", "1000000")] decimal Price,
    [property: Range(0, 1_000_000)] int Stock);

/// <summary>The answer to a cache invalidation: whose catalog was invalidated.</summary>
/// <param name="Tenant">The caller's tenant.</param>
public sealed record InvalidationResult(string Tenant);
